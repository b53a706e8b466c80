package dev.ferry.ftps;

/** The target is paused after a failure: nothing is attempted until the pause ends, and the pause is not extended. */
public class TargetPausedException extends TargetUnavailableException {

    public TargetPausedException(String message) {
        super(message);
    }
}
