package dev.ferry.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import dev.ferry.ftps.Target;

/** What {@code ferry check} tells about a server's certificate. */
final class Certificates {

    private Certificates() {
    }

    /** Subject, the names it is valid for, issuer and end date, on one line. */
    static String describe(X509Certificate certificate) {
        return "certificate " + certificate.getSubjectX500Principal().getName() + ", for " + names(certificate)
                + ", issued by " + certificate.getIssuerX500Principal().getName() + ", valid until "
                + certificate.getNotAfter().toInstant();
    }

    private static String names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> name : alternatives) {
                    // 2: DNS name, 7: IP address
                    Object type = name.get(0);
                    if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) {
                        names.add(String.valueOf(name.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return "(unreadable subject alternative names: " + e.getMessage() + ")";
        }
        return names.isEmpty() ? "no subject alternative name (no host name can match)" : String.join(", ", names);
    }

    /**
     * The certificate the server presents, read with a handshake that checks nothing: only after Ferry's own checked
     * handshake failed, to show what does not fit. Nothing is sent on it (no login) and it is closed at once.
     */
    static X509Certificate presented(Target target) throws IOException {
        try (Socket plain = new Socket()) {
            int timeout = (int) Math.min(Integer.MAX_VALUE, target.connectTimeout().toMillis());
            plain.connect(new InetSocketAddress(target.host(), target.port()), timeout);
            plain.setSoTimeout(timeout);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(),
                    StandardCharsets.UTF_8));
            reply(in, "220");
            OutputStream out = plain.getOutputStream();
            out.write("AUTH TLS\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            reply(in, "234");
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{new DisplayOnly()}, null);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, target.host(),
                    target.port(), true)) {
                tls.setUseClientMode(true);
                tls.startHandshake();
                return (X509Certificate) tls.getSession().getPeerCertificates()[0];
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Reads one (possibly multi-line) reply and fails unless it has the expected code. */
    private static void reply(BufferedReader in, String code) throws IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        if (line == null || !line.startsWith(code)) {
            throw new IOException("expected " + code + ", the server said " + line);
        }
    }

    /** Accepts any server certificate: used only to display one, never for a connection that carries data. */
    private static final class DisplayOnly implements X509TrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client certificates are not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // display only: the checked handshake before this one already failed and said why
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
