package dev.ferry.ftps;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ferry.config.TargetConfig.PassiveAddress;

/**
 * Where a passive data connection goes: the server's EPSV or PASV reply read, and {@code passive-address} applied;
 * and the plain TCP socket of that connection, connected there.
 */
final class PassivePolicy {

    private static final Pattern PASV_REPLY = Pattern
            .compile("(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");
    private static final Pattern EPSV_REPLY = Pattern.compile("\\((.)\\1\\1(\\d+)\\1\\)");

    private PassivePolicy() {
    }

    /** The port of an EPSV reply ({@code 229 Entering Extended Passive Mode (|||40123|)}); the host stays. */
    static int epsvPort(String reply) throws IOException {
        Matcher m = EPSV_REPLY.matcher(reply);
        if (!m.find()) {
            throw new IOException("Cannot parse the EPSV reply '" + reply.trim() + "'");
        }
        return Integer.parseInt(m.group(2));
    }

    /** The endpoint of a PASV reply ({@code 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)}) under the policy. */
    static InetSocketAddress pasvEndpoint(String reply, PassiveAddress policy, InetAddress control) throws IOException {
        Matcher m = PASV_REPLY.matcher(reply);
        if (!m.find()) {
            throw new IOException("Cannot parse the PASV reply '" + reply.trim() + "'");
        }
        InetAddress address = InetAddress
                .getByName(m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4));
        int port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
        return new InetSocketAddress(dataAddress(policy, control, address), port);
    }

    /** Where to open a PASV data connection: see {@code passive-address} in the configuration reference. */
    static InetAddress dataAddress(PassiveAddress policy, InetAddress control, InetAddress reply) {
        switch (policy) {
            case CONTROL :
                return control;
            case REPLY :
                return reply;
            default :
                // 0.0.0.0, and addresses that mean something else from here (loopback, carrier-grade NAT), as Transfer
                // Family behind a NAT or a misconfigured pasv_address would send them
                if (reply.isAnyLocalAddress() || reply.isLoopbackAddress() && !control.isLoopbackAddress()
                        || isCgnat(reply) && !isCgnat(control)) {
                    return control;
                }
                boolean replyPrivate = reply.isSiteLocalAddress() || reply.isLinkLocalAddress();
                boolean controlPrivate = control.isSiteLocalAddress() || control.isLinkLocalAddress()
                        || control.isLoopbackAddress()
                        || isCgnat(control);
                return replyPrivate && !controlPrivate ? control : reply;
        }
    }

    /** 100.64.0.0/10, shared address space (RFC 6598): not reachable from outside the provider's network. */
    private static boolean isCgnat(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 4 && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
    }

    /**
     * The plain socket of a data connection, not yet connected: reading within {@code data-timeout}, reporting
     * {@code sessionPort} (the control connection's, see {@link SessionKeySocket}). Its owner keeps it where a
     * shutdown can close it before {@link #connect} is called, since a connection attempt can take a while.
     */
    static Socket socket(int sessionPort, Target target) throws IOException {
        SessionKeySocket plain = new SessionKeySocket(sessionPort);
        // without TCP_NODELAY each TLS handshake on a data connection waits for delayed ACKs (~40 ms)
        plain.setTcpNoDelay(true);
        plain.setSoTimeout(millis(target.dataTimeout().toMillis()));
        return plain;
    }

    /**
     * Connects a data socket to {@code endpoint} within {@code connect-timeout}. Failing to reach the server's passive
     * ports is the target's problem, not the file's.
     */
    static void connect(Socket plain, InetSocketAddress endpoint, Target target) throws IOException {
        try {
            plain.connect(endpoint, millis(target.connectTimeout().toMillis()));
        } catch (IOException e) {
            plain.close();
            throw new DataConnectionException(
                    "Cannot open the data connection to " + endpoint.getAddress().getHostAddress() + ":"
                            + endpoint.getPort() + " (" + target.key("passive-address") + "="
                            + target.passiveAddress().name().toLowerCase(Locale.ROOT) + "): " + e
                            + ". Check that the server's passive ports are reachable from this host",
                    e);
        }
    }

    private static int millis(long millis) {
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
