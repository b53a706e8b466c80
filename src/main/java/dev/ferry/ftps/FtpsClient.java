package dev.ferry.ftps;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
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
 * camel-ftp's producer drives it, one upload at a time, through Ferry's {@code ferry-ftps:} endpoint. This class is
 * the Commons Net hooks of the control connection, the one place every command and reply passes: {@link Commands}
 * refuses what must never be sent, every reply has an overall deadline ({@code data-timeout}; a file's own
 * confirmations longer, {@link #confirming}; the idle watch's {@code NOOP} and {@code QUIT}'s shorter), and a reply
 * is read only by the thread that sent its command. The data connections are {@link DataConnections}', a file's
 * upload {@link FileUpload}'s, commands sent together {@link Pipeline}'s.
 */
public class FtpsClient extends FTPSClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FtpsClient.class);

    /** The longest wait for the reply to QUIT (or data-timeout, if shorter). */
    private static final Duration QUIT_REPLY_WAIT = Duration.ofSeconds(2);
    /** A NOOP is sent only when the control connection has been silent for this long. */
    private static final long NOOP_NOT_BEFORE = 1_000_000_000L;

    private final Target target;
    private final boolean fromRoot;
    private final NetworkTimer timer;
    private SSLContext sslContext;
    private SSLSession controlSession;
    private final WorkingDirectory workingDirectory = new WorkingDirectory();
    private volatile long lastReplyNanos = System.nanoTime() - NOOP_NOT_BEFORE;
    /** While a file's own command runs: the file's size (see {@link #confirming}); else -1. */
    private volatile long confirmingBytes = -1;
    private volatile String confirmingWhat;
    private volatile Duration replyWait;
    /** Logged in, PBSZ/PROT/TYPE done: what camel-ftp repeats after the login is not sent again. */
    private boolean ready;
    private Runnable onLogin = () -> {
    };
    private ConnectGuard connectGuard = () -> {
    };
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
    private final Pipeline pipeline;
    private final DataConnections data;
    private final FileUpload upload;

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
        this.pipeline = new Pipeline(this, target);
        this.data = new DataConnections(this, target, timer, pipeline);
        this.upload = new FileUpload(this, target, timer, new RemoteFiles(this, target));
        this.sslContext = context;
        setEnabledProtocols(target.tlsVersions().toArray(String[]::new));
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
        return upload.stalled();
    }

    /** The last successful upload on this client, for the route's log line; {@code null} before the first. */
    public TransferReport lastTransfer() {
        return upload.lastTransfer();
    }

    /** The TLS session of the control connection, while connected: what {@code ferry check} reports. */
    public SSLSession controlSession() {
        return controlSession;
    }

    /** The server's last EPSV or PASV reply, {@code null} before the first. */
    public String lastPassiveReply() {
        return data.lastPassiveReply();
    }

    /** The last data connection opened on this client, {@code null} before the first. */
    public DataChannel lastDataChannel() {
        return data.lastDataChannel();
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
        data.connected();
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
        SSLSocket socket = Tls.layer(sslContext, plain, _hostname_, plain.getPort(),
                target.tlsVersions().toArray(String[]::new));
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
     * Every command passes here: {@link Commands} refuses what must never reach the server (unsupported commands,
     * arguments with a line break or NUL); a NOOP on a connection that just answered and a CWD already made cost no
     * round trip ({@link WorkingDirectory}).
     */
    @Override
    public int sendCommand(String command, String args) throws IOException {
        Commands.check(command, args, target);
        exchange.lock();
        try {
            if ("NOOP".equals(command) && isConnected() && System.nanoTime() - lastReplyNanos < NOOP_NOT_BEFORE) {
                // camel-ftp's check before each file: a connection that answered just now is alive
                return FTPReply.COMMAND_OK;
            }
            changeDirectoryBefore(command);
            return super.sendCommand(command, args);
        } finally {
            exchange.unlock();
        }
    }

    /** The {@code CWD} that {@link WorkingDirectory} still owes the server before {@code command}, if any. */
    void changeDirectoryBefore(String command) throws IOException {
        String directory = workingDirectory.neededBefore(command);
        if (directory != null) {
            if (!FTPReply.isPositiveCompletion(super.sendCommand("CWD", directory))) {
                workingDirectory.refused();
                throw new IOException("Cannot change to " + directory + " on " + target.address() + ": "
                        + getReplyString().trim());
            }
            workingDirectory.serverIsIn(directory);
        }
    }

    /**
     * Sends commands together, reading their replies in order ({@link Pipeline}); with {@code passiveAhead} an
     * {@code EPSV} for the next upload follows them when the target pipelines.
     */
    List<Pipeline.Reply> sendTogether(boolean passiveAhead, String... commandsAndArguments) throws IOException {
        for (int i = 0; i < commandsAndArguments.length; i += 2) {
            Commands.check(commandsAndArguments[i], commandsAndArguments[i + 1], target);
        }
        exchange.lock();
        try {
            return pipeline.send(passiveAhead, commandsAndArguments);
        } finally {
            exchange.unlock();
        }
    }

    /** Whether commands go together on this target. */
    boolean pipelines() {
        return pipeline.enabled();
    }

    /** How many data connections used a passive port asked for ahead ({@link Pipeline}). */
    public int passivesUsedAhead() {
        return pipeline.usedAhead();
    }

    /** Writes one command without reading its reply: for {@link Pipeline} only, which reads them all. */
    void write(String command, String args) throws IOException {
        Commands.check(command, args, target);
        String message = args == null ? command + "\r\n" : command + " " + args + "\r\n";
        _controlOutput_.write(message);
        fireCommandSent(command, message);
    }

    void flushCommands() throws IOException {
        _controlOutput_.flush();
    }

    /** Makes {@code code} and {@code lines} the client's last reply again, after {@link Pipeline} read a later one. */
    void replyIs(int code, String[] lines) {
        _replyCode = code;
        _replyLines.clear();
        _replyLines.addAll(Arrays.asList(lines));
        _newReplyString = true;
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

    /**
     * Every reply is read here, within an overall deadline of {@code data-timeout}: the socket's read timeout bounds
     * each read only, and a server trickling its reply a byte at a time would otherwise hold the route forever.
     */
    @Override
    public int getReply() throws IOException {
        Socket socket = controlPlain != null ? controlPlain : _socket_;
        exchange.lock();
        long confirming = confirmingBytes;
        Duration override = replyWait;
        Duration wait = override != null
                ? override
                : confirming < 0 ? target.dataTimeout() : target.confirmTimeout(confirming);
        boolean own = !wait.equals(target.dataTimeout());
        try (Deadline deadline = Deadline.after(timer, wait, socket)) {
            if (own) {
                _socket_.setSoTimeout(millis(wait));
            }
            try {
                int code = super.getReply();
                if (code < 400) {
                    lastReplyNanos = System.nanoTime();
                }
                return code;
            } catch (IOException e) {
                if (confirming >= 0 && (deadline.expired() || e instanceof SocketTimeoutException)) {
                    // the server is working on this file's bytes (an S3-backed rename copies them): slow, not gone.
                    // The connection is closed (a late reply would be read as the next command's); the file spends
                    // an attempt and the target stays open
                    closeQuietly();
                    throw new IOException(target.address() + " did not confirm " + confirmingWhat + " within "
                            + wait.toSeconds() + " s (" + target.key("data-timeout") + " plus "
                            + target.key("confirm-time-per-gib") + " for " + confirming + " bytes); this attempt "
                            + "counts as failed, the target is not paused", e);
                }
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
            if (own) {
                restoreReadTimeout();
            }
            exchange.unlock();
        }
    }

    /** Back to {@code data-timeout} after a reply with a wait of its own; a closed connection keeps its outcome. */
    private void restoreReadTimeout() {
        try {
            if (_socket_ != null && !_socket_.isClosed() && (controlPlain == null || !controlPlain.isClosed())) {
                _socket_.setSoTimeout(millis(target.dataTimeout()));
            }
        } catch (IOException e) {
            LOG.debug("Cannot reset the read timeout of the connection to {}: {}", target.address(), e.toString());
        }
    }

    /**
     * Runs one of a file's own commands (the confirmation of its upload, its SIZE, its rename) with the longer wait
     * for the reply that {@link Target#confirmTimeout} gives a file of {@code bytes}.
     */
    <T> T confirming(String what, long bytes, IoCall<T> command) throws IOException {
        confirmingBytes = bytes;
        confirmingWhat = what;
        try {
            return command.call();
        } finally {
            confirmingBytes = -1;
        }
    }

    /**
     * For {@link IdleWatch}: a {@code NOOP} on this idle, logged-in connection, answered within {@code wait} (as
     * {@code QUIT}'s reply, see {@link #logout}): whether the connection still works.
     */
    boolean keepAlive(Duration wait) throws IOException {
        replyWait = wait;
        try {
            return FTPReply.isPositiveCompletion(super.sendCommand("NOOP", null));
        } finally {
            replyWait = null;
        }
    }

    @FunctionalInterface
    interface IoCall<T> {

        T call() throws IOException;
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
        // QUIT's reply is a courtesy: a server that stopped answering must not hold a stop for data-timeout
        replyWait = QUIT_REPLY_WAIT.compareTo(target.dataTimeout()) < 0 ? QUIT_REPLY_WAIT : target.dataTimeout();
        try {
            return super.logout();
        } catch (IOException e) {
            LOG.debug("No reply to QUIT from {}: {}", target.address(), e.toString());
            return false;
        } finally {
            replyWait = null;
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
        pipeline.forget();
        super.disconnect();
    }

    private void abortFromOtherThread() {
        LOG.debug("Closing the connection to {} while a command is under way on another thread", target.address());
        Socket dataSocket = data.plain();
        if (dataSocket != null) {
            // an upload cut short by the stop: the server must not take it for a whole file
            UploadWatch.reset(dataSocket);
        }
        for (Socket socket : new Socket[]{controlPlain, _socket_}) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is the point
                }
            }
        }
    }

    /** A data connection for {@code command} ({@link DataConnections}), once {@link Commands} accepted it. */
    @Override
    protected Socket _openDataConnection_(String command, String arg) throws IOException {
        // before any data connection is opened: a refused argument leaves the control connection as it was
        Commands.check(command, arg, target);
        return data.open(command, arg);
    }

    Socket openDataConnection(String command, String arg) throws IOException {
        return _openDataConnection_(command, arg);
    }

    /** One file's upload ({@link FileUpload}), with the exchange held from {@code STOR} to {@code SIZE}. */
    @Override
    protected boolean _storeFile(String command, String remote, InputStream local) throws IOException {
        Commands.checkUpload(command, remote, target);
        exchange.lock();
        try {
            return upload.store(command, remote, local);
        } finally {
            exchange.unlock();
        }
    }

    /** The absolute path of {@code remote} (as an upload names it) on the server, once the client knows where it is. */
    public String remotePath(String remote) {
        return workingDirectory.isKnown() ? workingDirectory.resolve(remote) : remote;
    }

    /** Renames the uploaded temporary file into place, over an existing one: see {@link RemoteFiles}. */
    @Override
    public boolean rename(String from, String to) throws IOException {
        return upload.rename(from, to);
    }

    @Override
    public boolean completePendingCommand() throws IOException {
        boolean completed = super.completePendingCommand();
        if (completed) {
            data.accepted();
        }
        return completed;
    }

    /** The TCP socket under the last data connection. */
    Socket dataSocket() {
        return data.plain();
    }

    SSLContext sslContext() {
        return sslContext;
    }

    String hostName() {
        return _hostname_;
    }

    /** Disconnects, if connected. */
    @Override
    public void close() throws IOException {
        if (isConnected()) {
            disconnect();
        }
    }

    void closeQuietly() {
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
