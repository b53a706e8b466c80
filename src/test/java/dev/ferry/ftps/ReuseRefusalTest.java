package dev.ferry.ftps;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The refusals of Transfer Family, vsftpd and ProFTPD are recognised and explained; other replies are not. */
class ReuseRefusalTest {

    @Test
    void transferFamily() {
        String text = ReuseRefusal.explain("522 Data connection must use cached TLS session", "TLSv1.2", false);
        assertTrue(text.contains("AWS Transfer Family with TlsSessionResumptionMode=ENFORCED"), text);
        assertTrue(text.contains("offered to resume its TLSv1.2 session")
                && text.contains("did not accept the offered TLSv1.2 session ID"), text);
    }

    @Test
    void vsftpd() {
        String text = ReuseRefusal.explain("522 SSL connection failed: session reuse required", "TLSv1.3", false);
        assertTrue(text.contains("vsftpd with require_ssl_reuse=YES"), text);
        assertTrue(text.contains("no unused TLS 1.3 session ticket"), text);
    }

    @Test
    void proftpd() {
        String text = ReuseRefusal.explain("425 Unable to build data connection: Operation not permitted", "TLSv1.3",
                true);
        assertTrue(text.contains("ProFTPD mod_tls"), text);
        assertTrue(text.contains("client resumed it"), text);
    }

    @Test
    void otherRepliesAreNotMistakenForIt() {
        assertNull(ReuseRefusal.server("553 Could not create file."));
        assertNull(ReuseRefusal.server("425 Can't open data connection."));
        assertEquals("", ReuseRefusal.explain("550 Permission denied.", "TLSv1.3", false));
    }
}
