package dev.ferry.ftps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.apache.commons.net.ftp.FTPReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data connections of one {@link FtpsClient}: the passive endpoint (asked for with {@code EPSV}, else
 * {@code PASV} under the target's {@code passive-address} policy, or asked for ahead by {@link Pipeline}), the TCP
 * socket that reports the control port ({@link SessionKeySocket}) and the TLS layer with the control host name, so the
 * JDK's client session cache finds the control session and the host name is verified on the data connection too; and,
 * on TLS 1.3, the control connection renewed when the client's tickets ran out ({@link TicketRenewal}).
 */
final class DataConnections {

    private static final Logger LOG = LoggerFactory.getLogger(DataConnections.class);

    private final FtpsClient client;
    private final Target target;
    private final NetworkTimer timer;
    private final Pipeline pipeline;
    private final String[] protocols;
    private final TicketRenewal renewal = new TicketRenewal();
    private volatile DataChannel lastDataChannel;
    private volatile String lastPassiveReply;
    /** The TCP socket under the data connection under way: what a stop from another thread resets. */
    private volatile Socket plain;

    DataConnections(FtpsClient client, Target target, NetworkTimer timer, Pipeline pipeline) {
        this.client = client;
        this.target = target;
        this.timer = timer;
        this.pipeline = pipeline;
        this.protocols = target.tlsVersions().toArray(String[]::new);
    }

    /**
     * Connects a data connection for {@code command} and sends it: the TLS socket once the server answered
     * {@code 150}, or {@code null} when it refused the command (its reply is the client's).
     */
    Socket open(String command, String arg) throws IOException {
        SSLSession control = client.controlSession();
        if (control == null || !client.isConnected()) {
            throw new IOException("Not connected to " + target.address());
        }
        renewIfTicketsRanOut(control);
        Pipeline.Passive ahead = pipeline.take();
        if (ahead != null) {
            Socket socket = connectAhead(ahead);
            if (socket != null) {
                if (FTPReply.isPositivePreliminary(client.sendCommand(command, arg))) {
                    // the server accepted the command: from here on a failure is this transfer's, as on any port
                    Socket data = secure(socket, command, ahead.reply(), ahead.endpoint());
                    pipeline.used();
                    return data;
                }
                socket.close();
                if (client.getReplyCode() != FTPReply.CANNOT_OPEN_DATA_CONNECTION) {
                    lastPassiveReply = ahead.reply();
                    return null;
                }
            }
            // the port asked for ahead could not be connected to, or the server refused it (425) before any byte:
            // one is asked for now
            LOG.debug("The passive port {} asked for ahead on {} did not work; asking for a new one",
                    ahead.endpoint(), target.address());
        }
        InetSocketAddress endpoint = passiveEndpoint();
        String passiveReply = client.getReplyString().trim();
        lastPassiveReply = passiveReply;
        if (endpoint == null) {
            return null;
        }
        Socket socket = connect(endpoint);
        if (!FTPReply.isPositivePreliminary(client.sendCommand(command, arg))) {
            socket.close();
            return null;
        }
        return secure(socket, command, passiveReply, endpoint);
    }

    /** A TCP connection to the passive port asked for ahead, or {@code null} if it cannot be connected to. */
    private Socket connectAhead(Pipeline.Passive ahead) throws IOException {
        try {
            return connect(ahead.endpoint());
        } catch (DataConnectionException e) {
            return null;
        }
    }

    /** A TCP connection to the passive port; a refusal is a {@link DataConnectionException}. */
    private Socket connect(InetSocketAddress endpoint) throws IOException {
        Socket socket = PassivePolicy.socket(client.getRemotePort(), target);
        // published before it connects: a stop from another thread closes it even while it connects
        plain = socket;
        PassivePolicy.connect(socket, endpoint, target);
        return socket;
    }

    /** TLS on the connected data connection, resuming the control connection's session. */
    private Socket secure(Socket socket, String command, String passiveReply, InetSocketAddress endpoint)
            throws IOException {
        lastPassiveReply = passiveReply;
        SSLSession control = client.controlSession();
        SSLSocket data = Tls.layer(client.sslContext(), socket, client.hostName(), client.getRemotePort(),
                Resumption.dataProtocols(control, protocols));
        try {
            Tls.handshake(data, socket, "data connection", target, timer);
        } catch (IOException e) {
            data.close();
            throw new DataConnectionException(
                    "TLS handshake on the data connection for " + command + " failed: " + e.getMessage(), e);
        }
        boolean resumed = Resumption.resumed(control, data.getSession());
        lastDataChannel = new DataChannel(passiveReply, endpoint, data.getSession().getProtocol(), resumed);
        if (Resumption.isTls13(control) && !resumed) {
            // the server will most likely refuse it; whatever comes next starts on a fresh control connection
            renewal.notResumed();
        }
        return data;
    }

    private InetSocketAddress passiveEndpoint() throws IOException {
        if (client.epsv() == FTPReply.ENTERING_EPSV_MODE) {
            return new InetSocketAddress(client.getRemoteAddress(), PassivePolicy.epsvPort(client.getReplyString()));
        }
        if (client.pasv() != FTPReply.ENTERING_PASSIVE_MODE) {
            return null;
        }
        return PassivePolicy.pasvEndpoint(client.getReplyString(), target.passiveAddress(), client.getRemoteAddress());
    }

    /**
     * On TLS 1.3, renews the control connection, keeping the working directory, when {@link TicketRenewal} says the
     * client's tickets ran out (ProFTPD 1.3.8 sends none on data connections).
     */
    private void renewIfTicketsRanOut(SSLSession control) throws IOException {
        if (!Resumption.isTls13(control)) {
            return;
        }
        int tickets = TicketRenewal.unused(client.sslContext());
        if (renewal.due(tickets, target.address())) {
            renewControlConnection();
            tickets = TicketRenewal.unused(client.sslContext());
        }
        renewal.transferStarts(tickets);
    }

    private void renewControlConnection() throws IOException {
        String directory = client.printWorkingDirectory();
        try {
            client.logout();
        } catch (IOException ignored) {
            // the old connection is being replaced either way
        }
        client.disconnect();
        client.connect(target.host(), target.port());
        if (!client.login(target.username(), null)) {
            throw new IOException("Login to " + target.address() + " failed while renewing the control connection: "
                    + client.getReplyString().trim());
        }
        if (directory != null && !client.changeWorkingDirectory(directory)) {
            throw new IOException("Cannot return to " + directory + " on " + target.address()
                    + " after renewing the control connection: " + client.getReplyString().trim());
        }
    }

    /** A new control connection: its tickets are counted afresh, and a port asked for on the old one is gone. */
    void connected() {
        renewal.connected();
        pipeline.forget();
    }

    /** The server confirmed a transfer: on TLS 1.3 its data connection's ticket was worth keeping. */
    void accepted() {
        renewal.accepted();
    }

    /** The TCP socket under the last data connection, {@code null} before the first. */
    Socket plain() {
        return plain;
    }

    DataChannel lastDataChannel() {
        return lastDataChannel;
    }

    String lastPassiveReply() {
        return lastPassiveReply;
    }
}
