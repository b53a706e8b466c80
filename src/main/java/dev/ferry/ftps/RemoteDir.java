package dev.ferry.ftps;

import java.io.IOException;

/**
 * A route's remote directory, with one meaning wherever it is used: {@code absolute} says whether the client starts
 * from the server's root ({@code /}) or from the login directory; {@code path} is the rest, relative, as camel-ftp
 * takes it. It travels whole, never inside an endpoint URI, so any name an S3 key or a file system allows is used as
 * written ({@code #}, {@code %}, {@code &}, {@code $}, {@code ?}, braces, spaces); only what cannot reach the server as
 * one argument of one command is refused: line breaks and other control characters, and {@code \}, which some servers
 * and camel-ftp take for a separator.
 */
public record RemoteDir(boolean absolute, String path) {

    /**
     * The directory {@code value} names: {@code //a//b/} is {@code /a/b}. Throws {@link IllegalArgumentException},
     * saying which character, for a name that cannot be sent safely.
     */
    public static RemoteDir of(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\\') {
                throw new IllegalArgumentException("holds '" + Names.printable(String.valueOf(c))
                        + "', which cannot be sent to a server as part of a directory name (no control characters,"
                        + " line breaks or \\)");
            }
        }
        boolean absolute = value.startsWith("/");
        String path = value.replaceAll("/{2,}", "/").replaceAll("^/", "").replaceAll("/$", "");
        return new RemoteDir(absolute, path);
    }

    /** Where a file with this relative path ends on the server, as log lines and reports show it. */
    public String file(String relativePath) {
        String directory = toString();
        return directory.isEmpty() || directory.endsWith("/")
                ? directory + relativePath
                : directory + "/" + relativePath;
    }

    /**
     * Changes {@code client} into this directory from where it is (the login directory, or {@code /} first when
     * absolute), creating each level that is missing, as a route's first upload into it does. Returns whether any
     * level was created; a level that can be neither entered nor created is an {@link IOException} naming it.
     */
    public boolean enter(FtpsClient client) throws IOException {
        if (absolute && !client.changeWorkingDirectory("/")) {
            throw new IOException("cannot change to / : " + client.getReplyString().trim());
        }
        boolean made = false;
        for (String part : path.isEmpty() ? new String[0] : path.split("/")) {
            if (!client.changeWorkingDirectory(part)) {
                if (!client.makeDirectory(part) || !client.changeWorkingDirectory(part)) {
                    throw new IOException("cannot create or enter " + part + ": " + client.getReplyString().trim());
                }
                made = true;
            }
        }
        return made;
    }

    /** As the operator wrote it, for log lines and reports. */
    @Override
    public String toString() {
        return (absolute ? "/" : "") + path;
    }
}
