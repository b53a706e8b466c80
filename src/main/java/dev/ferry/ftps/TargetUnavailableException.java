package dev.ferry.ftps;

import java.io.IOException;

/**
 * The target could not be used at all (no connection, failed TLS handshake, refused login): no file is at fault, so
 * the route backs off the whole target and leaves its files waiting instead of spending their upload attempts.
 */
public class TargetUnavailableException extends IOException {

    public TargetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public TargetUnavailableException(String message) {
        super(message);
    }
}
