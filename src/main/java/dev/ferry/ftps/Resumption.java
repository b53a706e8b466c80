package dev.ferry.ftps;

import javax.net.ssl.SSLSession;

/**
 * Whether a data connection resumed its control connection's TLS session, what it offers to make that happen, and how
 * a log line or an error says which it was.
 */
final class Resumption {

    private static final String TLS12 = "TLSv1.2";
    private static final String TLS13 = "TLSv1.3";

    private Resumption() {
    }

    /**
     * The versions a data connection offers: a TLS 1.2 session is resumed offering TLS 1.2 alone, because a
     * ClientHello that also offers TLS 1.3 computes key shares (two elliptic-curve key pairs) for each file, the
     * largest CPU cost of a small upload. A TLS 1.3 data connection keeps the full list: offering TLS 1.3 alone, the
     * JDK does not resume.
     */
    static String[] dataProtocols(SSLSession control, String[] configured) {
        return control != null && TLS12.equals(control.getProtocol()) ? new String[]{TLS12} : configured;
    }

    /**
     * The JDK keeps a session's creation time when it resumes it (by session ID or by ticket), so equal creation
     * times, protocol and cipher suite mean the data connection resumed the control connection's session.
     */
    static boolean resumed(SSLSession control, SSLSession data) {
        return control != null && data.getCreationTime() == control.getCreationTime()
                && data.getProtocol().equals(control.getProtocol())
                && data.getCipherSuite().equals(control.getCipherSuite());
    }

    static boolean isTls13(SSLSession session) {
        return session != null && TLS13.equals(session.getProtocol());
    }

    /** {@code " [data connection: TLSv1.2, TLS session resumed]"}, for an upload's error. */
    static String note(SSLSession data, boolean resumed) {
        return " [data connection: " + data.getProtocol() + ", "
                + (resumed ? "TLS session resumed" : "TLS session NOT resumed")
                + "]";
    }
}
