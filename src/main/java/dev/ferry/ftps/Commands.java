package dev.ferry.ftps;

import java.io.IOException;
import java.util.Set;

/**
 * What may reach the server as a command line: the commands AWS Transfer Family does not support are never sent, and
 * neither is an argument with a line break or NUL, which the server would take for further commands (a file named
 * {@code "x\r\nDELE y"}, a remote directory or password with a line break in it). {@link FtpsClient} asks before
 * every command, before a data connection is opened for one, and before an upload.
 */
final class Commands {

    /** AWS Transfer Family supports none of these; Ferry never sends them. */
    private static final Set<String> NEVER_SENT = Set.of("APPE", "REST", "SITE", "PORT", "EPRT", "STOU");

    private Commands() {
    }

    /** Throws, naming the command and showing the argument safely, unless the line may be sent as it is. */
    static void check(String command, String args, Target target) throws IOException {
        if (NEVER_SENT.contains(command)) {
            throw new IOException(command + " is never sent by Ferry (AWS Transfer Family does not support it)");
        }
        if (args != null && Names.breaksCommandLine(args)) {
            throw new UnsafeArgumentException("Refused to send " + command + " to " + target.address()
                    + ": its argument "
                    + ("PASS".equals(command)
                            ? "(the password of " + target.key("password-file") + ")"
                            : Names.printable(args))
                    + " holds a line break or NUL, which the server would take for further commands; nothing was sent");
        }
    }

    /** An upload is a STOR (APPE, which resumes, is never used), with a sendable argument. */
    static void checkUpload(String command, String remote, Target target) throws IOException {
        if (!"STOR".equals(command)) {
            throw new IOException(command + " is never sent by Ferry (AWS Transfer Family does not support it)");
        }
        check(command, remote, target);
    }
}
