package dev.ferry.ftps;

/** The server refused the user name or password (530): retrying soon would only hammer it. */
public class LoginRefusedException extends TargetUnavailableException {

    public LoginRefusedException(String message) {
        super(message);
    }
}
