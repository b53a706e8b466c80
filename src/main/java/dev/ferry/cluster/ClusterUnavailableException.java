package dev.ferry.cluster;

import java.io.IOException;

/**
 * The database that holds the claims cannot be used now, or this host's claims may have ended: the file is not the
 * fault, so it stays in its source, with no attempt spent, until the database answers again.
 */
public class ClusterUnavailableException extends IOException {

    public ClusterUnavailableException(String message) {
        super(message);
    }
}
