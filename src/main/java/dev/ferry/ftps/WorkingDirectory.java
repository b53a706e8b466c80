package dev.ferry.ftps;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The control connection's working directory, known to the client so that camel-ftp's walks cost no round trips.
 * camel-ftp asks {@code PWD} and changes into the remote directory and back for every file; once the client knows
 * where the server is, a {@code PWD} is answered here, and a {@code CWD} to a directory the server has already
 * accepted only moves the directory the next command needs. The server is sent one {@code CWD}, to the absolute
 * directory, just before a command that depends on it ({@code STOR}, {@code SIZE}, {@code RNFR}, {@code MKD} ...), and
 * only when it is elsewhere: {@code CWD in}, {@code CWD /} back to back cost nothing.
 */
final class WorkingDirectory {

    /** Commands whose meaning does not depend on the working directory. */
    private static final Set<String> INDEPENDENT = Set.of("CWD", "PWD", "NOOP", "EPSV", "PASV", "TYPE", "PBSZ", "PROT",
            "SYST", "FEAT", "OPTS", "QUIT", "USER", "PASS", "AUTH", "ABOR");

    private final Set<String> accepted = new HashSet<>();
    private String onServer;
    private String wanted;

    /** Nothing is known (a new control connection). */
    void forget() {
        accepted.clear();
        onServer = null;
        wanted = null;
    }

    /** The server is in {@code directory} (an absolute path it accepted or reported). */
    void serverIsIn(String directory) {
        onServer = normalize(directory);
        wanted = onServer;
        accepted.add(onServer);
    }

    boolean isKnown() { return onServer != null; }

    /** The working directory as the next command will see it. */
    String current() {
        return wanted;
    }

    /** The absolute directory a {@code CWD path} means from where the client is now. */
    String resolve(String path) {
        return normalize(path.startsWith("/") ? path : wanted + "/" + path);
    }

    /** Moves to {@code directory} without the server when the server has accepted it before. */
    boolean moveIfAccepted(String directory) {
        if (directory.equals(wanted) || accepted.contains(directory)) {
            wanted = directory;
            return true;
        }
        return false;
    }

    /** The directory the server must change to before {@code command}, or {@code null}. */
    String neededBefore(String command) {
        return onServer != null && !INDEPENDENT.contains(command) && !wanted.equals(onServer) ? wanted : null;
    }

    /**
     * The server refused a directory it had accepted (removed meanwhile): nothing is assumed any more, so the next
     * attempt walks and creates directories as camel-ftp does.
     */
    void refused() {
        accepted.clear();
        accepted.add(onServer);
        wanted = onServer;
    }

    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }
}
