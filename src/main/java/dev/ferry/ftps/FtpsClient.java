package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.apache.commons.net.ftp.FTPReply;

/**
 * Explicit FTPS client whose every data connection resumes the control connection's TLS session, as AWS Transfer
 * Family, vsftpd and ProFTPD require by default (Commons Net NET-408). camel-ftp's producer drives it, one upload at a
 * time, through Ferry's {@code ferry-ftps:} endpoint.
 * <p>
 * On the control connection ({@link ControlConnection}: TLS, reply deadlines, the reply lock) this class is the
 * session Ferry needs: the login with the target's own credentials and {@code PROT P}, every command checked by
 * {@link Commands}, the working directory kept ({@link WorkingDirectory}), and the hooks camel-ftp calls for data
 * connections ({@link DataConnections}), uploads ({@link FileUpload}) and commands sent together ({@link Pipeline}).
 */
public class FtpsClient extends ControlConnection {

    /** A NOOP is sent only when the control connection has been silent for this long. */
    private static final long NOOP_NOT_BEFORE = 1_000_000_000L;

    private final boolean fromRoot;
    private final WorkingDirectory workingDirectory = new WorkingDirectory();
    /** Logged in, PBSZ/PROT/TYPE done: what camel-ftp repeats after the login is not sent again. */
    private boolean ready;
    private Runnable onLogin = () -> {
    };
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
        super(target, context, timer);
        this.fromRoot = fromRoot;
        this.pipeline = new Pipeline(this, target);
        this.data = new DataConnections(this, target, timer, pipeline);
        this.upload = new FileUpload(this, target, timer, new RemoteFiles(this, target));
    }

    @Override
    protected void connecting() {
        data.connected();
        workingDirectory.forget();
        ready = false;
    }

    @Override
    protected void closing() {
        pipeline.forget();
    }

    /** Called after each successful login: the target is usable again. */
    public void onLogin(Runnable callback) {
        this.onLogin = callback;
    }

    /**
     * Describes an upload under way that has made no progress for more than half the data timeout (it is cut at the
     * full timeout), or {@code null}: what the readiness check reports.
     */
    public String stalledUpload() {
        return upload.stalled();
    }

    /** What this client's session has shown so far: the last passive reply, data connection and upload. */
    public SessionReport report() {
        return new SessionReport(data.lastPassiveReply(), data.lastDataChannel(), upload.lastTransfer());
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
            if ("NOOP".equals(command) && isConnected() && replies.answeredWithin(NOOP_NOT_BEFORE)) {
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
        exchange.lock();
        try {
            return pipeline.send(passiveAhead, commandsAndArguments);
        } finally {
            exchange.unlock();
        }
    }

    /** Runs {@code command} with its replies waited for {@code limit} ({@link ReplyDeadlines#within}). */
    <T> T within(Duration limit, ReplyDeadlines.IoCall<T> command) throws IOException {
        return replies.within(limit, command);
    }

    /** How many data connections used a passive port asked for ahead ({@link Pipeline}). */
    public int passivesUsedAhead() {
        return pipeline.usedAhead();
    }

    /**
     * Writes one command without reading its reply: for {@link Pipeline} only, which checks every command before the
     * first is written and reads all the replies.
     */
    void write(String command, String args) throws IOException {
        if (_controlOutput_ == null) {
            throw new IOException("Connection is not open");
        }
        String message = args == null ? command + "\r\n" : command + " " + args + "\r\n";
        _controlOutput_.write(message);
        fireCommandSent(command, message);
    }

    void flushCommands() throws IOException {
        if (_controlOutput_ == null) {
            throw new IOException("Connection is not open");
        }
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
    @Override
    protected Socket dataSocket() {
        return data.plain();
    }

}
