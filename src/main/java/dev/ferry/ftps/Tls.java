package dev.ferry.ftps;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TLS for one target: a fresh context per control connection, the TLS layer of control and data connections set up
 * one way, handshakes bounded in time, and what to tell the operator when a handshake fails.
 */
final class Tls {

    private static final String SESSION_TICKETS = "jdk.tls.client.enableSessionTicketExtension";

    private Tls() {
    }

    /**
     * A new context, so a new client session cache: each control connection is a full handshake whose session (and
     * on TLS 1.3 whose tickets) its data connections resume. Before the first one, TLS 1.2 session tickets are
     * turned off for this JVM: vsftpd's carry a lifetime the JDK discards, so with tickets on a data connection
     * cannot resume, while session-ID resumption works everywhere. The JDK reads the setting once, when it sets up
     * TLS; an operator's own {@code -D} setting wins.
     */
    static SSLContext newContext(Target target) {
        synchronized (Tls.class) {
            if (System.getProperty(SESSION_TICKETS) == null) {
                System.setProperty(SESSION_TICKETS, "false");
            }
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, target.trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS for target " + target.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The client TLS layer over a connected plain socket, the same for control and data connections: the host name
     * checked against the certificate, and only {@code protocols} offered. {@code port} is the one the JDK's session
     * cache files the session under: for a data connection the control connection's, so that it resumes.
     */
    static SSLSocket layer(SSLContext context, Socket plain, String host, int port, String[] protocols)
            throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        socket.setUseClientMode(true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(protocols);
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** A TLS handshake, bounded as a whole by {@code data-timeout} as well as per read. */
    static void handshake(SSLSocket socket, Socket plain, String which, Target target, NetworkTimer timer)
            throws IOException {
        try (Deadline deadline = Deadline.after(timer, target.dataTimeout(), plain)) {
            try {
                socket.startHandshake();
            } catch (IOException e) {
                if (deadline.expired()) {
                    throw new SSLException("the TLS handshake on the " + which + " did not complete within "
                            + target.dataTimeout().toSeconds()
                            + " s (" + target.key("data-timeout") + ")", e);
                }
                if (!(e instanceof SSLException)) {
                    // a server that closes at once after its alert (or without one) resets the connection before the
                    // alert is read: the same hang-up as "terminated the handshake", seen one packet earlier
                    throw new HandshakeHangUp(which, e);
                }
                throw e;
            }
        }
    }

    /** The failed handshake, with what to change: the certificate, the host name, the trust store or the versions. */
    static String advice(SSLException e, Target target) {
        String base = "TLS handshake with " + target.address() + " failed: "
                + String.valueOf(e.getMessage()).replaceAll("\\.$", "");
        Throwable cause = Causes.root(e);
        String text = String.valueOf(e.getMessage()) + " " + cause;
        if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException) {
            return base + ". The server's certificate is outside its validity period: renew it on the server.";
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return base + ". The certificate does not name " + target.host() + ": set " + target.key("host")
                    + " to a name the certificate covers (e.g. ftps-internal.<domain> for *.<domain>).";
        }
        // no chain to a trusted CA: the JDK's path builder fails (its own exception type, or only its text when a
        // provider wraps it)
        if (Causes.find(e, CertPathBuilderException.class).isPresent() || text.contains("PKIX")
                || text.contains("certification path") || text.contains("unable to find valid")) {
            return base + ". The server's certificate is not trusted: set " + target.key("trust-store")
                    + " to a PEM file holding the CA (or the server) certificate"
                    + (target.hasTrustStore()
                            ? " that issued it."
                            : "; by default only the JDK's public CAs are trusted.");
        }
        if (text.contains("protocol_version") || text.contains("No appropriate protocol")) {
            return base + ". The server and " + target.key("tls-versions") + "="
                    + String.join(",", target.tlsVersions())
                    + " have no TLS version in common; Ferry refuses anything older than TLS 1.2.";
        }
        if (e instanceof HandshakeHangUp || text.contains("terminated the handshake")) {
            // some servers (pure-ftpd) hang up instead of sending an alert
            return base
                    + ". The server closed the connection during the TLS handshake: most likely it has no TLS "
                    + "version in common with "
                    + target.key("tls-versions") + "=" + String.join(",", target.tlsVersions())
                    + " (Ferry refuses anything older than TLS 1.2), or no cipher suite in common.";
        }
        return base;
    }

    /** The server hung up (reset, end of stream) in the middle of a TLS handshake. */
    private static final class HandshakeHangUp extends SSLException {

        private static final long serialVersionUID = 1L;

        HandshakeHangUp(String which, IOException cause) {
            super("the server hung up during the TLS handshake on the " + which + " (" + cause + ")", cause);
        }
    }
}
