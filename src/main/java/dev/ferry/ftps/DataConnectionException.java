package dev.ferry.ftps;

/**
 * No data connection could be made: the passive port cannot be reached, the TLS handshake on it failed, or the
 * server refused it (425, or 522 for lack of TLS session reuse). Every file would fail the same way, so like any
 * other target problem it pauses the target and leaves the files waiting with their attempts.
 */
public class DataConnectionException extends TargetUnavailableException {

    public DataConnectionException(String message, Throwable cause) {
        super(message, cause);
    }

    public DataConnectionException(String message) {
        super(message);
    }
}
