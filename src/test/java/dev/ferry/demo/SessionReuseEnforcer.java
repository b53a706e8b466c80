package dev.ferry.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.apache.ftpserver.command.Command;
import org.apache.ftpserver.command.CommandFactoryFactory;
import org.apache.ftpserver.command.impl.APPE;
import org.apache.ftpserver.command.impl.LIST;
import org.apache.ftpserver.command.impl.MLSD;
import org.apache.ftpserver.command.impl.NLST;
import org.apache.ftpserver.command.impl.PASS;
import org.apache.ftpserver.command.impl.RETR;
import org.apache.ftpserver.command.impl.STOR;
import org.apache.ftpserver.command.impl.STOU;
import org.apache.ftpserver.command.impl.USER;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.FtpServerContext;
import org.apache.ftpserver.ssl.ClientAuth;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.mina.core.session.IoSessionConfig;
import org.apache.mina.filter.ssl.SslFilter;
import org.apache.mina.transport.socket.SocketSessionConfig;

/**
 * Makes an Apache FtpServer behave like AWS Transfer Family with TlsSessionResumptionMode ENFORCED: logins and data
 * only over TLS, and every data connection must resume its control connection's TLS session, or the transfer is
 * refused with {@code 522 Data connection must use cached TLS session}. With enforcement off it only counts: that is
 * ENABLED, and DISABLED when data connections get a TLS context of their own ({@link EmbeddedFtpsServer.Resumption}).
 * The reply text is the one Transfer Family's users report; AWS documents only the mode and its TLS_RESUME_FAILURE log.
 */
public final class SessionReuseEnforcer {

    static final String REFUSAL = "Data connection must use cached TLS session";
    private static final ThreadLocal<SSLSession> CONTROL = new ThreadLocal<>();
    private static final ThreadLocal<Boolean> REFUSED = new ThreadLocal<>();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private volatile boolean dropAfterRefusal;

    private final boolean enforce;
    private final AtomicInteger resumed = new AtomicInteger();
    private final AtomicInteger notResumed = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger stores = new AtomicInteger();

    public SessionReuseEnforcer(boolean enforce) {
        this.enforce = enforce;
    }

    /** Data connections whose TLS session was resumed from their control connection. */
    public int resumed() {
        return resumed.get();
    }

    /** Data connections with a full handshake (refused when enforcing). */
    public int notResumed() {
        return notResumed.get();
    }

    /** PASS commands received, accepted or not. */
    public int logins() {
        return logins.get();
    }

    /** STOR commands received. */
    public int stores() {
        return stores.get();
    }

    /**
     * Refuses the next {@code count} data connections as if they had not resumed (what a server whose session cache
     * was lost does), and with {@code dropControl} then closes the control connection, as vsftpd does.
     */
    public void refuseNext(int count, boolean dropControl) {
        this.dropAfterRefusal = dropControl;
        refuseNext.set(count);
    }

    /** Called on the command's thread once a data connection's handshake is done; false refuses it. */
    boolean dataConnection(boolean wasResumed) {
        (wasResumed ? resumed : notResumed).incrementAndGet();
        if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || !wasResumed && enforce) {
            REFUSED.set(Boolean.TRUE);
            return false;
        }
        return true;
    }

    /** Control and data must share this one configuration (one SSLContext), or nothing could ever resume. */
    public SslConfiguration wrap(SslConfiguration ssl) {
        return new SslConfiguration() {

            @Override
            public SSLSocketFactory getSocketFactory() throws GeneralSecurityException {
                return new CheckingFactory(ssl.getSocketFactory());
            }

            @Override
            public SSLContext getSSLContext() throws GeneralSecurityException { return ssl.getSSLContext(); }

            @Override
            public SSLContext getSSLContext(String protocol) throws GeneralSecurityException {
                return ssl.getSSLContext(protocol);
            }

            @Override
            public String[] getEnabledCipherSuites() { return ssl.getEnabledCipherSuites(); }

            @Override
            public String getEnabledProtocol() { return ssl.getEnabledProtocol(); }

            @Override
            public String[] getEnabledProtocols() { return ssl.getEnabledProtocols(); }

            @Override
            public ClientAuth getClientAuth() { return ssl.getClientAuth(); }
        };
    }

    public void install(CommandFactoryFactory commands) {
        commands.addCommand("USER", new TlsRequired(new USER(), null));
        commands.addCommand("PASS", new TlsRequired(new PASS(), logins));
        commands.addCommand("STOR", new Transfer(new STOR(), stores));
        commands.addCommand("RETR", new Transfer(new RETR(), null));
        commands.addCommand("LIST", new Transfer(new LIST(), null));
        commands.addCommand("NLST", new Transfer(new NLST(), null));
        commands.addCommand("MLSD", new Transfer(new MLSD(), null));
        commands.addCommand("APPE", new Transfer(new APPE(), null));
        commands.addCommand("STOU", new Transfer(new STOU(), null));
    }

    private static void noDelay(FtpIoSession session) {
        // FtpServer never sets TCP_NODELAY: every reply then waits ~40 ms for a delayed ACK
        IoSessionConfig config = session.getConfig();
        if (config instanceof SocketSessionConfig socketConfig) {
            socketConfig.setTcpNoDelay(true);
        }
    }

    /** Wraps one of FtpServer's commands: TCP_NODELAY on the control connection, an optional count. */
    private abstract static class Wrapped implements Command {

        final Command command;
        private final AtomicInteger counter;

        Wrapped(Command command, AtomicInteger counter) {
            this.command = command;
            this.counter = counter;
        }

        @Override
        public final void execute(FtpIoSession session, FtpServerContext context, FtpRequest request)
                throws IOException, FtpException {
            noDelay(session);
            if (counter != null) {
                counter.incrementAndGet();
            }
            run(session, context, request);
        }

        abstract void run(FtpIoSession session, FtpServerContext context, FtpRequest request)
                throws IOException, FtpException;
    }

    /** Transfer Family takes no login in clear. */
    private static final class TlsRequired extends Wrapped {

        TlsRequired(Command command, AtomicInteger counter) {
            super(command, counter);
        }

        @Override
        void run(FtpIoSession session, FtpServerContext context, FtpRequest request) throws IOException, FtpException {
            if (!session.isSecure()) {
                session.write(
                        new DefaultFtpReply(FtpReply.REPLY_530_NOT_LOGGED_IN, "TLS required: send AUTH TLS first"));
                return;
            }
            command.execute(session, context, request);
        }
    }

    /** Runs a transfer command with its control session at hand, and turns a refused data connection into a 522. */
    private final class Transfer extends Wrapped {

        Transfer(Command command, AtomicInteger counter) {
            super(command, counter);
        }

        @Override
        void run(FtpIoSession session, FtpServerContext context, FtpRequest request) throws IOException, FtpException {
            if (!session.getDataConnection().isSecure()) {
                session.write(new DefaultFtpReply(521, "Data connections must be encrypted: send PROT P"));
                return;
            }
            CONTROL.set((SSLSession) session.getAttribute(SslFilter.SSL_SECURED));
            REFUSED.remove();
            try {
                command.execute(new RefusalReplies(session, context), context, request);
            } finally {
                CONTROL.remove();
                REFUSED.remove();
            }
        }
    }

    /** The transfer commands answer any failed data connection with 425; a refusal for no reuse says so. */
    private final class RefusalReplies extends FtpIoSession {

        RefusalReplies(FtpIoSession session, FtpServerContext context) {
            super(session, context);
        }

        @Override
        public org.apache.mina.core.future.WriteFuture write(Object message) {
            if (message instanceof FtpReply reply && reply.getCode() == FtpReply.REPLY_425_CANT_OPEN_DATA_CONNECTION
                    && Boolean.TRUE.equals(REFUSED.get())) {
                org.apache.mina.core.future.WriteFuture written = super.write(new DefaultFtpReply(522, REFUSAL));
                if (dropAfterRefusal) {
                    closeOnFlush();
                }
                return written;
            }
            return super.write(message);
        }
    }

    private final class CheckingFactory extends SSLSocketFactory {

        private final SSLSocketFactory factory;

        CheckingFactory(SSLSocketFactory factory) {
            this.factory = factory;
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            socket.setTcpNoDelay(true);
            SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, port, autoClose);
            SSLSession control = CONTROL.get();
            return control == null ? ssl : new ResumptionCheckingSocket(ssl, control, SessionReuseEnforcer.this);
        }

        @Override
        public String[] getDefaultCipherSuites() { return factory.getDefaultCipherSuites(); }

        @Override
        public String[] getSupportedCipherSuites() { return factory.getSupportedCipherSuites(); }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return factory.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return factory.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return factory.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return factory.createSocket(address, port, localAddress, localPort);
        }
    }
}
