package dev.ferry.ftps;

import java.util.Locale;

/**
 * Recognises a server's refusal of a data connection for lack of TLS session reuse, by the texts of AWS Transfer
 * Family, vsftpd and ProFTPD, and explains it: what the server requires, what Ferry offered, what happened.
 */
public final class ReuseRefusal {

    private ReuseRefusal() {
    }

    /** Which server's wording the reply is, or {@code null} when it is no reuse refusal. */
    public static String server(String reply) {
        String text = reply == null ? "" : reply.trim().toLowerCase(Locale.ROOT);
        if (text.startsWith("522") && text.contains("must use cached tls session")) {
            return "AWS Transfer Family with TlsSessionResumptionMode=ENFORCED";
        }
        if (text.startsWith("522") && text.contains("session reuse required")) {
            return "vsftpd with require_ssl_reuse=YES";
        }
        if (text.startsWith("425") && text.contains("unable to build data connection: operation not permitted")) {
            return "ProFTPD mod_tls, whose default requires session reuse";
        }
        return null;
    }

    /**
     * @param reply    the server's reply to the transfer command
     * @param protocol the TLS version of the data connection
     * @param resumed  whether the data connection's handshake resumed the control connection's session
     * @return the explanation, or an empty string when the reply is no reuse refusal
     */
    public static String explain(String reply, String protocol, boolean resumed) {
        String server = server(reply);
        if (server == null) {
            return "";
        }
        String why;
        if (resumed) {
            why = "the client resumed it, so the server's session cache or ticket key must have changed (a restart, "
                    + "another node behind "
                    + "a load balancer)";
        } else if ("TLSv1.3".equals(protocol)) {
            why = "the client had no unused TLS 1.3 session ticket left for this control connection, so the data "
                    + "connection did a full "
                    + "handshake; Ferry renews the control connection on the next attempt";
        } else {
            why = "the server did not accept the offered " + protocol
                    + " session ID, so the data connection did a full handshake";
        }
        return ". The server (" + server
                + ") requires every data connection to resume the control connection's TLS session; Ferry "
                + "offered to resume its " + protocol + " session, but " + why;
    }
}
