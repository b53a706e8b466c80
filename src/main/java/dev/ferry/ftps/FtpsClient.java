package dev.ferry.ftps;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explicit FTPS client whose every data connection resumes the control connection's TLS session, as AWS Transfer
 * Family, vsftpd and ProFTPD require by default (Commons Net NET-408). One instance is one control connection at a
 * time, each with a new {@link SSLContext}: connections sharing a context lose resumption.
 * <p>
 * camel-ftp's producer drives it, one upload at a time, through Ferry's {@code ferry-ftps:} endpoint (connect,
 * login, CWD/MKD, STOR, RNFR/RNTO); this class owns what
 * Camel leaves to the client: trust and host-name checks on both connections, passive data connections with the
 * target's address policy, the upload itself, and a SIZE check before the file is renamed into place. It is also
 * the one place every command and reply passes, so the checks that must hold for all of them live here: no argument
 * with a line break, an overall deadline per reply, replies read only by the thread that sent the command.
 * <p>
 * One concern, one control connection as the Commons Net hooks see it, hence over 400 lines: what is left here are
 * the overrides ({@code connect}, {@code sslNegotiation}, {@code login}, {@code sendCommand}, {@code getReply},
 * {@code changeWorkingDirectory}, {@code _openDataConnection_}, {@code _storeFile}, {@code rename}) and the state they
 * share (control session, reply lock, working directory, tickets), and read-only views of that state for
 * {@code ferry check} ({@link #controlSession()}, {@link #lastPassiveReply()}, {@link #lastDataChannel()}). What
 * needs none of that state lives in small classes: {@link Tls} (contexts, bounded handshakes, advice),
 * {@link PassivePolicy}, {@link UploadWatch}, {@link ReuseRefusal}, {@link RemoteFiles}, {@link TicketRenewal},
 * {@link WorkingDirectory}, {@link Deadline} (on the target's {@link NetworkTimer}), {@link SessionKeySocket}.
 */
public class FtpsClient extends FTPSClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FtpsClient.class);

    /** AWS Transfer Family supports none of these; Ferry never sends them. */
    private static final Set<String> NEVER_SENT = Set.of("APPE", "REST", "SITE", "PORT", "EPRT", "STOU");
    private static final int DRAIN_MILLIS = 5_000;
    /** A NOOP is sent only when the control connection has been silent for this long. */
    private static final long NOOP_NOT_BEFORE = 1_000_000_000L;
    private static final int SLICE = 16 * 1024;

    private final Target target;
    private final boolean fromRoot;
    private final NetworkTimer timer;
    private final String[] protocols;
    private SSLContext sslContext;
    private SSLSession controlSession;
    private final TicketRenewal renewal = new TicketRenewal();
    private final WorkingDirectory workingDirectory = new WorkingDirectory();
    private volatile long lastReplyNanos = System.nanoTime() - NOOP_NOT_BEFORE;
    private volatile TransferReport lastTransfer;
    private volatile DataChannel lastDataChannel;
    private volatile String lastPassiveReply;
    private volatile UploadWatch upload;
    private volatile Socket dataPlain;
    private boolean controlReplyComplete = true;
    /** Logged in, PBSZ/PROT/TYPE done: what camel-ftp repeats after the login is not sent again. */
    private boolean ready;
    private Runnable onLogin = () -> {
    };
    private ConnectGuard connectGuard = () -> {
    };
    private final RemoteFiles remoteFiles;
    /** The upload buffer ({@code buffer-size}), made once: one upload at a time runs on a client. */
    private byte[] buffer;
    /** The TCP socket under the control connection's TLS, once negotiated: what a deadline closes. */
    private volatile Socket controlPlain;
    /** Kept: Commons Net's connect resets the closed socket's timeout, which hides the reason behind its own error. */
    private TargetUnavailableException replyTimedOut;
    /**
     * Held for each command and its reply, and for a whole upload: a reply is only ever read by the thread that sent
     * its command. Camel's producer may log out from a shutdown thread while the route thread waits for a reply; that
     * thread then closes the connection instead of sending QUIT and reading a reply meant for the other.
     */
    private final ReentrantLock exchange = new ReentrantLock();

    /**
     * A client on its own (tests, tools): its timer's daemon thread lasts as long as the JVM.
     *
     * @param fromRoot whether remote paths start at the server's root: Camel treats every remote directory as
     *                 relative to the login directory, so for an absolute one the client changes to "/" after login
     */
    public FtpsClient(Target target, boolean fromRoot) {
        this(target, fromRoot, NetworkTimer.start("ferry-" + target.name() + "-timer"));
    }

    /** A client whose deadlines and upload watch run on {@code timer}, which its owner stops. */
    public FtpsClient(Target target, boolean fromRoot, NetworkTimer timer) {
        this(target, fromRoot, Tls.newContext(target), timer);
    }

    private FtpsClient(Target target, boolean fromRoot, SSLContext context, NetworkTimer timer) {
        super(false, context);
        this.target = target;
        this.fromRoot = fromRoot;
        this.timer = timer;
        this.remoteFiles = new RemoteFiles(this, target);
        this.sslContext = context;
        this.protocols = target.tlsVersions().toArray(String[]::new);
        setEnabledProtocols(protocols);
        setEndpointCheckingEnabled(true);
        setConnectTimeout(millis(target.connectTimeout()));
        setDefaultTimeout(millis(target.dataTimeout()));
        setDataTimeout(target.dataTimeout());
        setBufferSize(target.bufferSize());
        setControlEncoding("UTF-8");
    }

    public Target target() {
        return target;
    }

    /** Called after each successful login: the target is usable again. */
    public void onLogin(Runnable callback) {
        this.onLogin = callback;
    }

    /** Checked before each connection (a retry included): a paused target gets no logins. */
    public void connectGuard(ConnectGuard guard) {
        this.connectGuard = guard;
    }

    /** Throws while the target must not be connected to. */
    @FunctionalInterface
    public interface ConnectGuard {

        void check() throws TargetUnavailableException;
    }

    /**
     * Describes an upload under way that has made no progress for more than half the data timeout (it is cut at the
     * full timeout), or {@code null}: what the readiness check reports.
     */
    public String stalledUpload() {
        UploadWatch current = upload;
        return current == null ? null : current.stalledFor(target.address());
    }

    /** The last successful upload on this client, for the route's log line; {@code null} before the first. */
    public TransferReport lastTransfer() {
        return lastTransfer;
    }

    /** The TLS session of the control connection, while connected: what {@code ferry check} reports. */
    public SSLSession controlSession() {
        return controlSession;
    }

    /** The server's last EPSV or PASV reply, {@code null} before the first. */
    public String lastPassiveReply() {
        return lastPassiveReply;
    }

    /** The last data connection opened on this client, {@code null} before the first. */
    public DataChannel lastDataChannel() {
        return lastDataChannel;
    }

    @Override
    public void connect(String hostname, int port) throws IOException {
        connectGuard.check();
        // execPROT("P") leaves a TLS socket factory behind that only disconnect() resets; Camel reconnects after a
        // dropped control connection without calling it, and the control connection must start in plain text
        if (_socket_ != null) {
            try {
                disconnect();
            } catch (IOException ignored) {
                // the old connection is gone either way
            }
        }
        setSocketFactory(null);
        controlSession = null;
        controlPlain = null;
        replyTimedOut = null;
        renewal.connected();
        workingDirectory.forget();
        ready = false;
        try {
            super.connect(hostname, port);
            controlSession = ((SSLSocket) _socket_).getSession();
            LOG.debug("Connected to {} with {} {}", target.address(), controlSession.getProtocol(),
                    controlSession.getCipherSuite());
        } catch (TargetUnavailableException e) {
            closeQuietly();
            throw e;
        } catch (SSLException e) {
            closeQuietly();
            throw new TargetUnavailableException(Tls.advice(e, target), e);
        } catch (UnknownHostException e) {
            closeQuietly();
            throw new TargetUnavailableException("Cannot resolve " + hostname + " (" + target.key("host") + ")", e);
        } catch (IOException e) {
            closeQuietly();
            if (replyTimedOut != null) {
                throw replyTimedOut;
            }
            throw new TargetUnavailableException("Cannot connect to " + target.address() + ": " + e, e);
        }
    }

    /**
     * Negotiates TLS on the control connection with a new {@link SSLContext} each time: a fresh client session cache
     * makes every control connection a full handshake, whose session (and, on TLS 1.3, whose tickets) the data
     * connections then resume, even after a renewal.
     */
    @Override
    protected void sslNegotiation() throws IOException {
        sslContext = Tls.newContext(target);
        Socket plain = _socket_;
        SSLSocket socket = (SSLSocket) sslContext.getSocketFactory().createSocket(plain, _hostname_, plain.getPort(),
                true);
        socket.setUseClientMode(true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(protocols);
        socket.setSSLParameters(parameters);
        Tls.handshake(socket, plain, "control connection", target, timer);
        controlPlain = plain;
        _socket_ = socket;
        _controlInput_ = new BufferedReader(new InputStreamReader(socket.getInputStream(), getControlEncoding()));
        _controlOutput_ = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), getControlEncoding()));
    }

    /**
     * Logs in with the target's own credentials (Camel's URI carries none, so a password never appears in one) and
     * makes the connection ready to transfer, the one place that is done: {@code PBSZ 0}, {@code PROT P}, binary
     * type, passive mode, and for an absolute remote directory {@code CWD /}. camel-ftp's own {@code TYPE},
     * {@code PBSZ} and {@code PROT} after the login then cost no round trip.
     */
    @Override
    public boolean login(String ignoredUsername, String ignoredPassword) throws IOException {
        String password;
        try {
            password = target.password();
        } catch (IOException e) {
            throw new TargetUnavailableException(
                    "Cannot read the password for " + target.address() + " from " + target.key("password-file")
                            + ": " + e.getMessage(),
                    e);
        }
        if (super.login(target.username(), password)) {
            onLogin.run();
            execPBSZ(0);
            execPROT("P");
            if (!setFileType(BINARY_FILE_TYPE)) {
                throw new IOException(
                        "Server " + target.address() + " refused binary transfers: " + getReplyString().trim());
            }
            enterLocalPassiveMode();
            ready = true;
            if (fromRoot && !changeWorkingDirectory("/")) {
                throw new IOException(
                        "Cannot change to the root directory of " + target.address() + ": " + getReplyString().trim());
            }
            if (!workingDirectory.isKnown()) {
                String directory = super.printWorkingDirectory();
                if (directory != null && directory.startsWith("/")) {
                    workingDirectory.serverIsIn(directory);
                }
            }
            return true;
        }
        String reply = getReplyString().trim();
        if (getReplyCode() == FTPReply.NOT_LOGGED_IN) {
            throw new LoginRefusedException("Login to " + target.address() + " as '" + target.username() + "' refused: "
                    + reply.replaceAll("\\.$", "")
                    + ". Check " + target.key("username") + " and the password in " + target.key("password-file")
                    + "; Ferry pauses this target before trying again.");
        }
        return false;
    }

    @Override
    public void execPBSZ(long size) throws IOException {
        if (!ready || size != 0) {
            super.execPBSZ(size);
        }
    }

    @Override
    public boolean setFileType(int fileType) throws IOException {
        return ready && fileType == BINARY_FILE_TYPE || super.setFileType(fileType);
    }

    @Override
    public void execPROT(String prot) throws IOException {
        if (!"P".equals(prot)) {
            throw new SSLException("Ferry only transfers with PROT P (data encrypted), not PROT " + prot);
        }
        if (ready) {
            return;
        }
        try {
            super.execPROT(prot);
        } catch (SSLException e) {
            throw new TargetUnavailableException("Server " + target.address() + " refused PROT P ("
                    + getReplyString().trim()
                    + "): Ferry never sends data in clear, so nothing is uploaded. Enable protected data connections "
                    + "on the server.",
                    e);
        }
    }

    /**
     * Every command passes here: the commands AWS Transfer Family does not support are never sent, and neither is an
     * argument with a line break or NUL, which would reach the server as further commands (a file named
     * {@code "x\r\nDELE y"}, a remote directory or password with a line break in it).
     */
    @Override
    public int sendCommand(String command, String args) throws IOException {
        if (NEVER_SENT.contains(command)) {
            throw new IOException(command + " is never sent by Ferry (AWS Transfer Family does not support it)");
        }
        checkArgument(command, args);
        exchange.lock();
        try {
            if ("NOOP".equals(command) && isConnected() && System.nanoTime() - lastReplyNanos < NOOP_NOT_BEFORE) {
                // camel-ftp's check before each file: a connection that answered just now is alive
                return FTPReply.COMMAND_OK;
            }
            String directory = workingDirectory.neededBefore(command);
            if (directory != null) {
                if (!FTPReply.isPositiveCompletion(super.sendCommand("CWD", directory))) {
                    workingDirectory.refused();
                    throw new IOException("Cannot change to " + directory + " on " + target.address() + ": "
                            + getReplyString().trim());
                }
                workingDirectory.serverIsIn(directory);
            }
            return super.sendCommand(command, args);
        } finally {
            exchange.unlock();
        }
    }

    /** See {@link WorkingDirectory}: a directory the server accepted before costs no round trip. */
    @Override
    public boolean changeWorkingDirectory(String path) throws IOException {
        if (!workingDirectory.isKnown()) {
            boolean changed = super.changeWorkingDirectory(path);
            if (changed && path.startsWith("/")) {
                workingDirectory.serverIsIn(path);
            }
            return changed;
        }
        String directory = workingDirectory.resolve(path);
        if (workingDirectory.moveIfAccepted(directory)) {
            return true;
        }
        boolean changed = FTPReply.isPositiveCompletion(sendCommand("CWD", directory));
        if (changed) {
            workingDirectory.serverIsIn(directory);
        }
        return changed;
    }

    @Override
    public String printWorkingDirectory() throws IOException {
        return workingDirectory.isKnown() ? workingDirectory.current() : super.printWorkingDirectory();
    }

    private void checkArgument(String command, String args) throws UnsafeArgumentException {
        if (args != null && Names.breaksCommandLine(args)) {
            throw new UnsafeArgumentException("Refused to send " + command + " to " + target.address()
                    + ": its argument "
                    + ("PASS".equals(command)
                            ? "(the password of " + target.key("password-file") + ")"
                            : Names.printable(args))
                    + " holds a line break or NUL, which the server would take for further commands; nothing was sent");
        }
    }

    /**
     * Every reply is read here, within an overall deadline of {@code data-timeout}: the socket's read timeout bounds
     * each read only, and a server trickling its reply a byte at a time would otherwise hold the route forever.
     */
    @Override
    public int getReply() throws IOException {
        Socket socket = controlPlain != null ? controlPlain : _socket_;
        exchange.lock();
        try (Deadline deadline = Deadline.after(timer, target.dataTimeout(), socket)) {
            try {
                int code = super.getReply();
                if (code < 400) {
                    lastReplyNanos = System.nanoTime();
                }
                return code;
            } catch (IOException e) {
                if (deadline.expired()) {
                    replyTimedOut = new TargetUnavailableException(
                            target.address() + " did not complete its reply within "
                                    + target.dataTimeout().toSeconds() + " s (" + target.key("data-timeout")
                                    + "); the connection was closed",
                            e);
                    throw replyTimedOut;
                }
                throw e;
            }
        } finally {
            exchange.unlock();
        }
    }

    /**
     * From the route's own thread, or while the connection is idle: QUIT as usual. From another thread (Camel stopping
     * the producer on a forced shutdown) while a command or upload is under way: the connection is closed instead, so
     * no reply meant for the route thread's command is read here, nor QUIT's reply there.
     */
    @Override
    public boolean logout() throws IOException {
        if (!exchange.tryLock()) {
            abortFromOtherThread();
            return false;
        }
        try {
            return super.logout();
        } finally {
            exchange.unlock();
        }
    }

    @Override
    public void disconnect() throws IOException {
        if (exchange.isLocked() && !exchange.isHeldByCurrentThread()) {
            // the route thread still uses the connection's streams: close the sockets only, it cleans up on its failure
            abortFromOtherThread();
            return;
        }
        super.disconnect();
    }

    private void abortFromOtherThread() {
        LOG.debug("Closing the connection to {} while a command is under way on another thread", target.address());
        for (Socket socket : new Socket[]{controlPlain, _socket_, dataPlain}) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is the point
                }
            }
        }
    }

    /**
     * Opens a passive data connection whose TLS session resumes the control connection's: the plain socket reports
     * the control port ({@link SessionKeySocket}) and the TLS layer gets the control host name, so the JDK's client
     * session cache finds the control session, and the host name is verified on the data connection too.
     */
    @Override
    protected Socket _openDataConnection_(String command, String arg) throws IOException {
        // before any data connection is opened: a refused argument leaves the control connection as it was
        checkArgument(command, arg);
        if (controlSession == null || !isConnected()) {
            throw new IOException("Not connected to " + target.address());
        }
        renewIfTicketsRanOut();
        InetSocketAddress endpoint = passiveEndpoint();
        String passiveReply = getReplyString().trim();
        lastPassiveReply = passiveReply;
        if (endpoint == null) {
            return null;
        }
        SessionKeySocket plain = new SessionKeySocket(getRemotePort());
        dataPlain = plain;
        // without TCP_NODELAY each TLS handshake on a data connection waits for delayed ACKs (~40 ms)
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(millis(target.dataTimeout()));
        try {
            plain.connect(endpoint, millis(target.connectTimeout()));
        } catch (IOException e) {
            plain.close();
            throw new DataConnectionException(
                    "Cannot open the data connection to " + endpoint.getAddress().getHostAddress() + ":"
                            + endpoint.getPort() + " (" + target.key("passive-address") + "=" + policyName() + "): " + e
                            + ". Check that the server's passive ports are reachable from this host",
                    e);
        }
        if (!FTPReply.isPositivePreliminary(sendCommand(command, arg))) {
            plain.close();
            return null;
        }
        SSLSocket data = (SSLSocket) sslContext.getSocketFactory().createSocket(plain, _hostname_, getRemotePort(),
                true);
        data.setUseClientMode(true);
        SSLParameters parameters = data.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        // a TLS 1.2 session is resumed offering TLS 1.2 alone: a ClientHello that also offers TLS 1.3 computes key
        // shares (two elliptic-curve key pairs) for each file, the largest CPU cost of a small upload. (A TLS 1.3
        // data connection keeps the full list: offering TLS 1.3 alone, the JDK does not resume.)
        boolean tls12 = controlSession != null && "TLSv1.2".equals(controlSession.getProtocol());
        parameters.setProtocols(tls12 ? new String[]{"TLSv1.2"} : protocols);
        data.setSSLParameters(parameters);
        try {
            Tls.handshake(data, plain, "data connection", target, timer);
        } catch (IOException e) {
            data.close();
            throw new DataConnectionException(
                    "TLS handshake on the data connection for " + command + " failed: " + e.getMessage(), e);
        }
        boolean resumed = resumedFromControl(data.getSession());
        lastDataChannel = new DataChannel(passiveReply, endpoint, data.getSession().getProtocol(), resumed);
        if (isTls13() && !resumed) {
            // the server will most likely refuse it; whatever comes next starts on a fresh control connection
            renewal.notResumed();
        }
        return data;
    }

    /**
     * On TLS 1.3 every data connection resumes with a session ticket, and the JDK uses each ticket once. vsftpd sends
     * a new ticket on every data connection; ProFTPD 1.3.8 sends tickets only after a full handshake, so its control
     * connection runs out. When the client's session cache shrank since the previous data connection (a ticket was
     * used and none came back), the control connection is renewed, keeping the working directory, before the next.
     */
    /** On TLS 1.3, renews the control connection when {@link TicketRenewal} says the tickets ran out. */
    private void renewIfTicketsRanOut() throws IOException {
        if (!isTls13()) {
            return;
        }
        int tickets = unusedTickets();
        if (renewal.due(tickets, target.address())) {
            renewControlConnection();
            tickets = unusedTickets();
        }
        renewal.transferStarts(tickets);
    }

    private int unusedTickets() {
        return Collections.list(sslContext.getClientSessionContext().getIds()).size();
    }

    private void renewControlConnection() throws IOException {
        String directory = printWorkingDirectory();
        try {
            logout();
        } catch (IOException ignored) {
            // the old connection is being replaced either way
        }
        disconnect();
        connect(target.host(), target.port());
        if (!login(target.username(), null)) {
            throw new IOException("Login to " + target.address() + " failed while renewing the control connection: "
                    + getReplyString().trim());
        }
        if (directory != null && !changeWorkingDirectory(directory)) {
            throw new IOException("Cannot return to " + directory + " on " + target.address()
                    + " after renewing the control connection: "
                    + getReplyString().trim());
        }
    }

    private boolean isTls13() { return controlSession != null && "TLSv1.3".equals(controlSession.getProtocol()); }

    /**
     * STOR only (APPE is never used): streams the file, then checks the remote SIZE before Camel renames it. After a
     * failure that leaves the control connection in an unknown state (no final reply), it is closed, so the next
     * attempt starts on a fresh one instead of reading a stale reply.
     */
    @Override
    protected boolean _storeFile(String command, String remote, InputStream local) throws IOException {
        if (!"STOR".equals(command)) {
            throw new IOException(command + " is never sent by Ferry (AWS Transfer Family does not support it)");
        }
        checkArgument(command, remote);
        exchange.lock();
        try {
            return store(command, remote, local);
        } catch (IOException e) {
            if (!controlReplyComplete) {
                closeQuietly();
            }
            throw e;
        } finally {
            exchange.unlock();
        }
    }

    private boolean store(String command, String remote, InputStream local) throws IOException {
        controlReplyComplete = false;
        long start = System.nanoTime();
        Socket socket = _openDataConnection_(command, remote);
        if (socket == null) {
            controlReplyComplete = true;
            String reply = getReplyString().trim();
            throw refused(
                    command + " " + remote + " refused by " + target.address() + ": " + reply.replaceAll("\\.$", "")
                            + ReuseRefusal.explain(reply, controlSession.getProtocol(), false));
        }
        SSLSocket data = (SSLSocket) socket;
        SSLSession session = data.getSession();
        boolean resumed = resumedFromControl(session);
        Socket plain = dataPlain;
        UploadWatch progress = UploadWatch.start(timer, remote, target.dataTimeout(), plain);
        upload = progress;
        try (data; progress) {
            OutputStream out = data.getOutputStream();
            if (buffer == null) {
                buffer = new byte[target.bufferSize()];
            }
            for (int n; (n = local.read(buffer)) != -1;) {
                // written in slices so that progress is seen on slow links too, not once per buffer
                for (int offset = 0; offset < n; offset += SLICE) {
                    int length = Math.min(SLICE, n - offset);
                    out.write(buffer, offset, length);
                    progress.sent(length);
                }
            }
            out.flush();
            progress.close();
            finishUpload(data, plain);
        } catch (IOException e) {
            // after a stall the server will not answer soon either: the control connection is replaced, not waited on
            String reply = progress.stalled() ? "" : serverReplyAfterFailure();
            controlReplyComplete = !reply.isEmpty();
            String cause = progress.stalled()
                    ? "no progress for " + target.dataTimeout().toSeconds() + " s (" + target.key("data-timeout") + ")"
                    : e.getMessage();
            throw new IOException("Upload of " + remote + " to " + target.address() + " failed after "
                    + progress.bytes() + " bytes: "
                    + cause + (reply.isEmpty() ? "" : "; server replied: " + reply) + resumptionNote(session, resumed)
                    + ReuseRefusal.explain(reply, session.getProtocol(), resumed), e);
        } finally {
            upload = null;
        }
        long bytes = progress.bytes();
        boolean completed = completePendingCommand();
        controlReplyComplete = true;
        if (!completed) {
            String reply = getReplyString().trim();
            throw refused(
                    "Upload of " + remote + " to " + target.address() + " refused: " + reply.replaceAll("\\.$", "")
                            + resumptionNote(session, resumed)
                            + ReuseRefusal.explain(reply, session.getProtocol(), resumed));
        }
        remoteFiles.verifySize(remote, bytes);
        lastTransfer = new TransferReport(remote, bytes, (System.nanoTime() - start) / 1_000_000, resumed,
                session.getProtocol());
        return true;
    }

    /**
     * A refusal of the data connection itself (425; 522, as for lack of TLS session reuse) is the target's problem,
     * not the file's: every file would get it. Anything else (553: no permission, a bad name) is the file's.
     */
    private IOException refused(String message) {
        int code = getReplyCode();
        return code == FTPReply.CANNOT_OPEN_DATA_CONNECTION || code == 522
                ? new DataConnectionException(message)
                : new IOException(message);
    }

    /** Renames the uploaded temporary file into place, over an existing one: see {@link RemoteFiles}. */
    @Override
    public boolean rename(String from, String to) throws IOException {
        return remoteFiles.rename(from, to);
    }

    @Override
    public boolean completePendingCommand() throws IOException {
        boolean completed = super.completePendingCommand();
        if (completed) {
            renewal.accepted();
        }
        return completed;
    }

    /**
     * On TLS 1.3 the JDK learns the server's next session ticket only when it reads, and a STOR never reads its
     * data connection: half-close it and read to its end (bounded), so the next data connection can resume too.
     */
    private void finishUpload(SSLSocket data, Socket plain) {
        if (!"TLSv1.3".equals(data.getSession().getProtocol())) {
            return;
        }
        // each read is bounded by the socket timeout, the whole drain by the deadline
        try (Deadline deadline = Deadline
                .after(timer, Duration.ofMillis(Math.min(DRAIN_MILLIS, target.dataTimeout().toMillis())), plain)) {
            data.shutdownOutput();
            data.setSoTimeout(DRAIN_MILLIS);
            InputStream in = data.getInputStream();
            byte[] scratch = new byte[1024];
            while (in.read(scratch) != -1) {
                // nothing is expected but post-handshake messages and the server's close_notify
            }
        } catch (IOException e) {
            LOG.trace("Draining the data connection ended with {}", e.toString());
        }
    }

    private String serverReplyAfterFailure() {
        try {
            if (isConnected()) {
                setSoTimeout(DRAIN_MILLIS);
                getReply();
                setSoTimeout(millis(target.dataTimeout()));
                return getReplyString().trim();
            }
        } catch (IOException ignored) {
            // the server dropped the control connection (vsftpd does after refusing a data connection)
        }
        return "";
    }

    private String resumptionNote(SSLSession session, boolean resumed) {
        return " [data connection: " + session.getProtocol() + ", "
                + (resumed ? "TLS session resumed" : "TLS session NOT resumed")
                + "]";
    }

    /**
     * The JDK keeps a session's creation time when it resumes it (by session ID or by ticket), so equal creation
     * times, protocol and cipher suite mean the data connection resumed the control connection's session.
     */
    private boolean resumedFromControl(SSLSession data) {
        SSLSession control = controlSession;
        return control != null && data.getCreationTime() == control.getCreationTime()
                && data.getProtocol().equals(control.getProtocol())
                && data.getCipherSuite().equals(control.getCipherSuite());
    }

    private InetSocketAddress passiveEndpoint() throws IOException {
        InetAddress control = getRemoteAddress();
        if (epsv() == FTPReply.ENTERING_EPSV_MODE) {
            return new InetSocketAddress(control, PassivePolicy.epsvPort(getReplyString()));
        }
        if (pasv() != FTPReply.ENTERING_PASSIVE_MODE) {
            return null;
        }
        return PassivePolicy.pasvEndpoint(getReplyString(), target.passiveAddress(), control);
    }

    private String policyName() {
        return target.passiveAddress().name().toLowerCase();
    }

    /** Disconnects, if connected. */
    @Override
    public void close() throws IOException {
        if (isConnected()) {
            disconnect();
        }
    }

    private void closeQuietly() {
        try {
            if (isConnected()) {
                disconnect();
            }
        } catch (IOException ignored) {
            // already failing
        }
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }
}
