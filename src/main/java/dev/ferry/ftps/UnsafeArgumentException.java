package dev.ferry.ftps;

import java.io.IOException;

/**
 * A command argument holds a line break or NUL: sent as it is, the rest of the line would reach the server as
 * further commands (FTP command injection). Nothing is sent.
 */
public class UnsafeArgumentException extends IOException {

    public UnsafeArgumentException(String message) {
        super(message);
    }
}
