package dev.ferry.ftps;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.net.ftp.FTPReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In direct upload mode, what a failed upload may have left under a file's final name: on S3 a partial object (AWS
 * logs it as {@code PARTIAL_CLOSE} and starts {@code OnPartialUpload} on it), elsewhere a truncated file. Such a name
 * is deleted ({@code DELE}) right after the failure when the control connection still answers, or else by the next
 * connection to the target before its upload, or when the file is quarantined ({@link #deleteNow}): nothing is left
 * under a final name that Ferry gave up on. A refusal before any byte was sent (the {@code STOR} answered 553) leaves
 * the server's file as it was and deletes nothing.
 * <p>
 * One per target, shared by its connections; the names are absolute paths on the server.
 */
public final class PartialUploads {

    private static final Logger LOG = LoggerFactory.getLogger(PartialUploads.class);

    private final Set<String> left = ConcurrentHashMap.newKeySet();

    /** Whether {@code path} may still hold what a failed upload left. */
    public boolean holds(String path) {
        return left.contains(path);
    }

    /** Whether any name is still to be deleted. */
    public boolean isEmpty() { return left.isEmpty(); }

    /**
     * After a failed upload of {@code path} that sent bytes: deleted at once on {@code client} when its control
     * connection still answers ({@code usable}), else remembered for the next connection.
     */
    void failed(FtpsClient client, String path, boolean usable) {
        left.add(path);
        if (!usable || !client.isConnected()) {
            LOG.info("{} on {} may hold a partial upload; it is deleted before the next upload", path,
                    client.target().address());
            return;
        }
        try {
            deleteLeft(client);
        } catch (IOException e) {
            LOG.info("Cannot delete the partial upload {} on {} now ({}); it is deleted before the next upload", path,
                    client.target().address(), e.toString());
        }
    }

    /**
     * Deletes, on {@code client}'s logged-in connection, every name failed uploads left. A name the server keeps
     * although it was asked to delete it (a {@code DELE} refused while its {@code SIZE} still answers) is reported
     * once and forgotten: it needs the operator. A connection failure leaves the rest for the next connection.
     */
    void deleteLeft(FtpsClient client) throws IOException {
        for (String path : List.copyOf(left)) {
            int code = client.sendCommand("DELE", path);
            String reply = client.getReplyString().trim();
            if (FTPReply.isPositiveCompletion(code)) {
                LOG.info("Deleted {} on {}: a failed upload had left it (partial or of the wrong size)", path,
                        client.target().address());
            } else if (FTPReply.isNegativePermanent(code)
                    && client.sendCommand("SIZE", path) == FTPReply.FILE_STATUS) {
                LOG.error("{} on {} holds what a failed upload left, and the server refused to delete it ({}):"
                        + " delete it by hand, or let the next delivery of the file replace it", path,
                        client.target().address(), reply);
            } else if (!FTPReply.isNegativePermanent(code)) {
                throw new IOException("Cannot delete the partial upload " + path + " on " + client.target().address()
                        + ": " + reply);
            }
            // 550 and no SIZE: nothing under the name, nothing to delete
            left.remove(path);
        }
    }

    /**
     * For a quarantined file: deletes what failed uploads left, on {@code client} (a connection of the route's,
     * connected and logged in here if it is not yet), so nothing stays under the final name of a file Ferry gave up on.
     */
    public void deleteLeftOn(FtpsClient client) throws IOException {
        if (left.isEmpty()) {
            return;
        }
        Target target = client.target();
        if (!client.isConnected()) {
            client.connect(target.host(), target.port());
            if (!client.login(target.username(), "")) {
                throw new IOException("Login to " + target.address() + " failed: " + client.getReplyString().trim());
            }
        }
        deleteLeft(client);
    }
}
