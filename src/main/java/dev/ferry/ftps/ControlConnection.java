package dev.ferry.ftps;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
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
 * One explicit-TLS control connection, as {@link FtpsClient} builds on it: a new {@link SSLContext} for each
 * connection (a fresh session cache makes every control connection a full handshake, whose session its data
 * connections then resume), trust and host-name checks, a connect refused while the target is paused
 * ({@link ConnectGuard}), every reply read within its deadline ({@link ReplyDeadlines}) and only by the thread that
 * sent its command, and a {@code QUIT} or close from another thread that never reads a reply meant for the thread
 * that sent the command.
 */
public abstract class ControlConnection extends FTPSClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlConnection.class);

    /** The longest wait for the reply to QUIT (or data-timeout, if shorter). */
    private static final Duration QUIT_REPLY_WAIT = Duration.ofSeconds(2);

    protected final Target target;
    protected final NetworkTimer timer;
    /**
     * Held for each command and its reply, and for a whole upload: a reply is only ever read by the thread that sent
     * its command. Camel's producer may log out from a shutdown thread while the route thread waits for a reply; that
     * thread then closes the connection instead of sending QUIT and reading a reply meant for the other.
     */
    protected final ReentrantLock exchange = new ReentrantLock();
    protected final ReplyDeadlines replies;
    private SSLContext sslContext;
    private SSLSession controlSession;
    /** The TCP socket under the control connection's TLS, once negotiated: what a deadline closes. */
    private volatile Socket controlPlain;
    private ConnectGuard connectGuard = () -> {
    };

    ControlConnection(Target target, SSLContext context, NetworkTimer timer) {
        super(false, context);
        this.target = target;
        this.timer = timer;
        this.sslContext = context;
        this.replies = new ReplyDeadlines(this, target, timer);
        setEnabledProtocols(target.tlsVersions().toArray(String[]::new));
        setEndpointCheckingEnabled(true);
        setConnectTimeout(millis(target.connectTimeout()));
        setDefaultTimeout(millis(target.dataTimeout()));
        setDataTimeout(target.dataTimeout());
        setBufferSize(target.bufferSize());
        setControlEncoding("UTF-8");
    }

    /** A new control connection is about to be made: what the subclass knew of the old one is forgotten. */
    protected abstract void connecting();

    /** The control connection is about to be closed from its own thread. */
    protected abstract void closing();

    /** The TCP socket under the data connection under way, reset when another thread aborts; or {@code null}. */
    protected abstract Socket dataSocket();

    /** The target this client connects to. */
    public Target target() {
        return target;
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

    /** The TLS session of the control connection, while connected: what {@code ferry check} reports. */
    public SSLSession controlSession() {
        return controlSession;
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
        replies.connected();
        connecting();
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
            if (replies.timedOut() != null) {
                throw replies.timedOut();
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

    /** Every reply is read here, by the thread that sent its command, within its deadline ({@link ReplyDeadlines}). */
    @Override
    public int getReply() throws IOException {
        exchange.lock();
        try {
            return replies.read(super::getReply);
        } finally {
            exchange.unlock();
        }
    }

    /** See {@link ReplyDeadlines#confirming}. */
    <T> T confirming(String what, long bytes, ReplyDeadlines.IoCall<T> command) throws IOException {
        return replies.confirming(what, bytes, command);
    }

    /**
     * For {@link IdleWatch}: a {@code NOOP} on this idle, logged-in connection, answered within {@code wait} (as
     * {@code QUIT}'s reply, see {@link #logout}): whether the connection still works.
     */
    boolean keepAlive(Duration wait) throws IOException {
        return replies.within(wait, () -> FTPReply.isPositiveCompletion(super.sendCommand("NOOP", null)));
    }

    /** The socket a reply's deadline closes: the TCP socket under the control connection's TLS, once negotiated. */
    Socket controlSocket() {
        Socket plain = controlPlain;
        return plain != null ? plain : _socket_;
    }

    /** Whether the control connection is still open. */
    boolean controlOpen() {
        return _socket_ != null && !_socket_.isClosed() && (controlPlain == null || !controlPlain.isClosed());
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
        Duration wait = QUIT_REPLY_WAIT.compareTo(target.dataTimeout()) < 0 ? QUIT_REPLY_WAIT : target.dataTimeout();
        try {
            return replies.within(wait, super::logout);
        } catch (IOException e) {
            LOG.debug("No reply to QUIT from {}: {}", target.address(), e.toString());
            return false;
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
        closing();
        super.disconnect();
    }

    private void abortFromOtherThread() {
        LOG.debug("Closing the connection to {} while a command is under way on another thread", target.address());
        Socket dataSocket = dataSocket();
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

    /** The control connection's TLS context, which its data connections resume sessions from. */
    SSLContext sslContext() {
        return sslContext;
    }

    /** The host name connected to, as given: what the TLS layer of a data connection verifies. */
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

    /** Closes the connection on a failure that leaves it unusable; the next use connects afresh. */
    void closeQuietly() {
        try {
            if (isConnected()) {
                disconnect();
            }
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** A duration as a socket timeout, in ms. */
    static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }
}
