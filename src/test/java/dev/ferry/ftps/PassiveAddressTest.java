package dev.ferry.ftps;

import java.net.InetAddress;

import dev.ferry.config.TargetConfig.PassiveAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which address a PASV data connection goes to, per passive-address policy. */
class PassiveAddressTest {

    private static final InetAddress PUBLIC_CONTROL = address("203.0.113.10");
    private static final InetAddress PRIVATE_CONTROL = address("10.0.1.20");

    @Test
    void autoReplacesTheUnspecifiedAddress() {
        assertEquals(PRIVATE_CONTROL, FtpsClient.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("0.0.0.0")));
    }

    @Test
    void autoReplacesAPrivateReplyOnlyWhenTheControlConnectionIsPublic() {
        assertEquals(PUBLIC_CONTROL, FtpsClient.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("172.31.5.6")));
        assertEquals(address("10.0.1.21"), FtpsClient.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("10.0.1.21")));
        assertEquals(address("198.51.100.7"), FtpsClient.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("198.51.100.7")));
    }

    @Test
    void autoReplacesLoopbackAndCarrierGradeNatRepliesThatCannotBeReachedFromHere() {
        assertEquals(PRIVATE_CONTROL, FtpsClient.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("127.0.0.1")));
        assertEquals(PUBLIC_CONTROL, FtpsClient.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("127.0.1.1")));
        assertEquals(PRIVATE_CONTROL, FtpsClient.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("100.64.0.9")));
        assertEquals(PUBLIC_CONTROL, FtpsClient.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("100.127.255.1")));
        // the edges of 100.64.0.0/10 and a server on this very host stay as they are
        assertEquals(address("100.128.0.1"), FtpsClient.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("100.128.0.1")));
        assertEquals(address("100.63.255.1"), FtpsClient.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("100.63.255.1")));
        assertEquals(address("127.0.0.2"), FtpsClient.dataAddress(PassiveAddress.AUTO, address("127.0.0.1"), address("127.0.0.2")));
    }

    @Test
    void controlAndReplyAreTakenLiterally() {
        assertEquals(PUBLIC_CONTROL, FtpsClient.dataAddress(PassiveAddress.CONTROL, PUBLIC_CONTROL, address("198.51.100.7")));
        assertEquals(address("0.0.0.0"), FtpsClient.dataAddress(PassiveAddress.REPLY, PUBLIC_CONTROL, address("0.0.0.0")));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
