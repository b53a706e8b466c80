package dev.ferry.ftps;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import dev.ferry.config.TargetConfig.PassiveAddress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which address a PASV data connection goes to, per passive-address policy. */
class PassivePolicyTest {

    private static final InetAddress PUBLIC_CONTROL = address("203.0.113.10");
    private static final InetAddress PRIVATE_CONTROL = address("10.0.1.20");

    @Test
    void autoReplacesTheUnspecifiedAddress() {
        assertEquals(PRIVATE_CONTROL,
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("0.0.0.0")));
    }

    @Test
    void autoReplacesAPrivateReplyOnlyWhenTheControlConnectionIsPublic() {
        assertEquals(PUBLIC_CONTROL,
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("172.31.5.6")));
        assertEquals(address("10.0.1.21"),
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("10.0.1.21")));
        assertEquals(address("198.51.100.7"),
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("198.51.100.7")));
    }

    @Test
    void autoReplacesLoopbackAndCarrierGradeNatRepliesThatCannotBeReachedFromHere() {
        assertEquals(PRIVATE_CONTROL,
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("127.0.0.1")));
        assertEquals(PUBLIC_CONTROL,
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("127.0.1.1")));
        assertEquals(PRIVATE_CONTROL,
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PRIVATE_CONTROL, address("100.64.0.9")));
        assertEquals(PUBLIC_CONTROL,
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("100.127.255.1")));
        // the edges of 100.64.0.0/10 and a server on this very host stay as they are
        assertEquals(address("100.128.0.1"),
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("100.128.0.1")));
        assertEquals(address("100.63.255.1"),
                PassivePolicy.dataAddress(PassiveAddress.AUTO, PUBLIC_CONTROL, address("100.63.255.1")));
        assertEquals(address("127.0.0.2"),
                PassivePolicy.dataAddress(PassiveAddress.AUTO, address("127.0.0.1"), address("127.0.0.2")));
    }

    @Test
    void controlAndReplyAreTakenLiterally() {
        assertEquals(PUBLIC_CONTROL,
                PassivePolicy.dataAddress(PassiveAddress.CONTROL, PUBLIC_CONTROL, address("198.51.100.7")));
        assertEquals(address("0.0.0.0"),
                PassivePolicy.dataAddress(PassiveAddress.REPLY, PUBLIC_CONTROL, address("0.0.0.0")));
    }

    @Test
    void repliesAreReadAsServersWriteThem() throws Exception {
        assertEquals(40123, PassivePolicy.epsvPort("229 Entering Extended Passive Mode (|||40123|)"));
        assertEquals(new InetSocketAddress(address("10.0.1.21"), 156 * 256 + 45),
                PassivePolicy.pasvEndpoint("227 Entering Passive Mode (10,0,1,21,156,45).", PassiveAddress.AUTO,
                        PRIVATE_CONTROL));
        // 0.0.0.0 in the reply: the control connection's address, the reply's port
        assertEquals(new InetSocketAddress(PRIVATE_CONTROL, 1025),
                PassivePolicy.pasvEndpoint("227 Entering Passive Mode (0,0,0,0,4,1)", PassiveAddress.AUTO,
                        PRIVATE_CONTROL));
    }

    @Test
    void aReplyThatCannotBeReadFailsTheAttemptWithTheReply() {
        IOException epsv = assertThrows(IOException.class,
                () -> PassivePolicy.epsvPort("229 Entering Extended Passive Mode"));
        assertEquals("Cannot parse the EPSV reply '229 Entering Extended Passive Mode'", epsv.getMessage());
        IOException pasv = assertThrows(IOException.class,
                () -> PassivePolicy.pasvEndpoint("227 Entering Passive Mode (10,0,1)\r\n", PassiveAddress.AUTO,
                        PRIVATE_CONTROL));
        assertEquals("Cannot parse the PASV reply '227 Entering Passive Mode (10,0,1)'", pasv.getMessage());
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
