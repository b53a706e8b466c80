package dev.ferry.ftps;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.net.ftp.FTPReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In direct upload mode, what a failed upload may have left under a file's final name: on S3 a partial object (AWS
 * logs it as {@code PARTIAL_CLOSE} and starts {@code OnPartialUpload} on it), elsewhere a truncated file. The name is
 * deleted ({@code DELE}) right after the failure when the control connection still answers; else by the file's own
 * next attempt just before its {@code STOR}, or when the file is quarantined: nothing is left under a final name that
 * Ferry gave up on. Only the file's own attempts and its quarantine delete its name, one after the other, so a
 * {@code DELE} never meets another upload of the same name. A refusal before any byte was sent (the {@code STOR}
 * answered 553) leaves the server's file as it was and deletes nothing.
 * <p>
 * One per target, shared by its connections; the names are absolute paths on the server.
 */
public final class PartialUploads {

    private static final Logger LOG = LoggerFactory.getLogger(PartialUploads.class);

    private final Set<String> left = ConcurrentHashMap.newKeySet();

    /** Whether {@code path} (absolute) may still hold what a failed upload left. */
    public boolean holds(String path) {
        return left.contains(path);
    }

    /** Whether no name is to be deleted. */
    public boolean isEmpty() { return left.isEmpty(); }

    /**
     * After a failed upload of {@code path} that sent bytes: deleted at once on {@code client} when its control
     * connection still answers ({@code usable}), else remembered for the file's next attempt or its quarantine.
     */
    void failed(FtpsClient client, String path, boolean usable) {
        left.add(path);
        if (!usable || !client.isConnected()) {
            LOG.info("{} on {} may hold a partial upload; it is deleted before the file's next attempt", path,
                    client.target().address());
            return;
        }
        try {
            delete(client, path);
        } catch (IOException e) {
            LOG.info("Cannot delete the partial upload {} on {} now ({}); it is deleted before the file's next attempt",
                    path, client.target().address(), e.toString());
        }
    }

    /**
     * Before the file's next {@code STOR} of {@code path}: what an earlier attempt left is deleted, best effort (the
     * {@code STOR} replaces it anyway); only a lost connection fails the attempt.
     */
    void beforeStore(FtpsClient client, String path) throws TargetUnavailableException {
        if (!left.contains(path)) {
            return;
        }
        try {
            delete(client, path);
        } catch (TargetUnavailableException e) {
            throw e;
        } catch (IOException e) {
            LOG.info("Cannot delete the partial upload {} on {} ({}); the upload replaces it", path,
                    client.target().address(), e.toString());
        }
    }

    /**
     * For a quarantined file: deletes what its failed uploads left under {@code remote} (as the route's uploads
     * name it), on {@code client}, a connection of the route's, connected and logged in here if it is not yet. Whether
     * anything was to be deleted.
     */
    public boolean deleteOn(FtpsClient client, String remote) throws IOException {
        if (left.isEmpty()) {
            return false;
        }
        Target target = client.target();
        if (!client.isConnected()) {
            client.connect(target.host(), target.port());
            if (!client.login(target.username(), "")) {
                throw new IOException("Login to " + target.address() + " failed: " + client.getReplyString().trim());
            }
        }
        String path = client.remotePath(remote);
        if (!left.contains(path)) {
            return false;
        }
        delete(client, path);
        return true;
    }

    /**
     * Deletes {@code path}. A name the server keeps although it was asked to delete it (a refused {@code DELE} while
     * its {@code SIZE} still answers) is reported once and forgotten: it needs the operator, or the file's next
     * delivery replaces it. A {@code 550} with no {@code SIZE}: nothing under the name.
     */
    private void delete(FtpsClient client, String path) throws IOException {
        int code = client.sendCommand("DELE", path);
        String reply = client.getReplyString().trim();
        if (FTPReply.isPositiveCompletion(code)) {
            LOG.info("Deleted {} on {}: a failed upload had left it (partial or of the wrong size)", path,
                    client.target().address());
        } else if (!FTPReply.isNegativePermanent(code)) {
            throw new IOException("Cannot delete the partial upload " + path + " on " + client.target().address()
                    + ": " + reply);
        } else if (client.sendCommand("SIZE", path) == FTPReply.FILE_STATUS) {
            LOG.error("{} on {} holds what a failed upload left, and the server refused to delete it ({}): delete it"
                    + " by hand, or let the next delivery of the file replace it", path, client.target().address(),
                    reply);
        }
        left.remove(path);
    }
}
