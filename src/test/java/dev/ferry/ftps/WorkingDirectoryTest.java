package dev.ferry.ftps;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client's idea of the server's working directory: what it answers itself and what it must still send. */
class WorkingDirectoryTest {

    private final WorkingDirectory dir = new WorkingDirectory();

    @Test
    void nothingIsAssumedBeforeTheServerSaidWhereItIs() {
        assertFalse(dir.isKnown());
        assertNull(dir.neededBefore("STOR"));
    }

    @Test
    void aWalkIntoAnAcceptedDirectoryAndBackCostsNothing() {
        dir.serverIsIn("/");
        assertFalse(dir.moveIfAccepted(dir.resolve("bucket/in")), "never accepted: the server must be asked");
        dir.serverIsIn("/bucket/in");
        assertTrue(dir.moveIfAccepted(dir.resolve("/")));
        assertEquals("/", dir.current());
        assertEquals("/", dir.neededBefore("STOR"), "the server is still in /bucket/in");
        // camel-ftp's next file: into the directory and back, then the upload
        assertTrue(dir.moveIfAccepted(dir.resolve("/bucket/in")));
        assertNull(dir.neededBefore("STOR"), "already there");
        assertNull(dir.neededBefore("NOOP"));
        assertNull(dir.neededBefore("EPSV"));
    }

    @Test
    void pathsAreResolvedAgainstWhereTheNextCommandWillBe() {
        dir.serverIsIn("/home/ferry");
        assertEquals("/home/ferry/in", dir.resolve("in"));
        assertEquals("/home/in", dir.resolve("../in"));
        assertEquals("/a/b", dir.resolve("//a/./b/"));
        assertEquals("/", dir.resolve("../../.."));
    }

    @Test
    void aRefusedDirectoryMakesTheClientAskAgain() {
        dir.serverIsIn("/gone");
        dir.serverIsIn("/");
        assertTrue(dir.moveIfAccepted("/gone"), "accepted before");
        assertEquals("/gone", dir.neededBefore("STOR"));
        // the server refuses it now (removed meanwhile)
        dir.refused();
        assertEquals("/", dir.current(), "the client is where the server is");
        assertNull(dir.neededBefore("STOR"));
        assertFalse(dir.moveIfAccepted("/gone"), "forgotten: the server is asked again, and camel-ftp creates it");
    }
}
