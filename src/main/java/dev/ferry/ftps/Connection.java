package dev.ferry.ftps;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of a target's connections while a route holds it: its own {@link FtpsClient} (control connection, TLS
 * context), and what the route built on it (camel-ftp's producer), closed with it. Used by one upload at a time: a
 * route {@linkplain RouteConnections#acquire() acquires} it for a file and releases it after.
 */
public final class Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final FtpsClient client;
    private AutoCloseable attachment;

    Connection(FtpsClient client) {
        this.client = client;
    }

    public FtpsClient client() {
        return client;
    }

    /** What the route built on this connection, made on first use. */
    public <T extends AutoCloseable> T attachment(Class<T> type, Supplier<T> make) {
        if (attachment == null) {
            attachment = make.get();
        }
        return type.cast(attachment);
    }

    /** Closes what was built on it and the control connection. */
    void close() {
        try {
            if (attachment != null) {
                attachment.close();
            }
            if (client.isConnected()) {
                client.disconnect();
            }
        } catch (Exception e) {
            LOG.debug("Closing a connection to {}: {}", client, e.toString());
        }
    }
}
