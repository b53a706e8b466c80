package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import dev.ferry.config.TargetConfig.UploadMode;
import org.apache.commons.net.ftp.FTPReply;

/**
 * The upload of one file on an {@link FtpsClient}: {@code STOR} only ({@code APPE} is never used), the copy watched
 * for stalls ({@link UploadWatch}), the server's confirmation, the {@code SIZE} check and the rename
 * ({@link RemoteFiles}), and what a failure means: a refusal of the data connection itself ({@code 425}, {@code 522})
 * is the target's problem ({@link DataConnectionException}), anything else the file's. After a failure that leaves
 * the control connection without its final reply, the connection is closed, so the next attempt starts on a fresh one
 * instead of reading a stale reply; in direct mode what a failed {@code STOR} left under the final name is deleted
 * ({@link PartialUploads}).
 */
final class FileUpload {

    /** How long the reply after a failed upload is waited for. */
    private static final int REPLY_AFTER_FAILURE_MILLIS = 5_000;

    private final FtpsClient client;
    private final Target target;
    private final NetworkTimer timer;
    private final RemoteFiles remoteFiles;
    private volatile UploadWatch watch;
    private volatile TransferReport lastTransfer;
    private volatile long lastStoredBytes = -1;
    private boolean controlReplyComplete = true;
    /** The upload buffer ({@code buffer-size}), made once: one upload at a time runs on a client. */
    private byte[] buffer;

    FileUpload(FtpsClient client, Target target, NetworkTimer timer, RemoteFiles remoteFiles) {
        this.client = client;
        this.target = target;
        this.timer = timer;
        this.remoteFiles = remoteFiles;
    }

    /** Sends {@code local} as {@code remote}; the caller holds the client's exchange. */
    boolean store(String command, String remote, InputStream local) throws IOException {
        try {
            return storeAndConfirm(command, remote, local);
        } catch (IOException e) {
            if (!controlReplyComplete) {
                client.closeQuietly();
            }
            throw e;
        }
    }

    private boolean storeAndConfirm(String command, String remote, InputStream local) throws IOException {
        PartialUploads partials = target.partialUploads();
        String path = client.remotePath(remote);
        partials.beforeStore(client, path);
        lastStoredBytes = -1;
        controlReplyComplete = false;
        long start = System.nanoTime();
        Socket socket = client.openDataConnection(command, remote);
        if (socket == null) {
            // refused before any byte: the server's file under this name, if any, is as it was
            controlReplyComplete = true;
            String reply = client.getReplyString().trim();
            throw refused(
                    command + " " + remote + " refused by " + target.address() + ": " + reply.replaceAll("\\.$", "")
                            + ReuseRefusal.explain(reply, client.controlSession().getProtocol(), false));
        }
        try {
            return transfer(remote, local, (SSLSocket) socket, start);
        } catch (DataConnectionException e) {
            // the data connection itself was refused (522): the server stored nothing
            throw e;
        } catch (IOException e) {
            if (target.uploadMode() == UploadMode.DIRECT && lastStoredBytes != 0) {
                // the final name may hold part of the file (a partial object on S3) or a file of the wrong size
                partials.failed(client, path, controlReplyComplete);
            }
            throw e;
        }
    }

    /** Streams the file on the opened data connection, then waits for the server's confirmation and checks SIZE. */
    private boolean transfer(String remote, InputStream local, SSLSocket data, long start) throws IOException {
        SSLSession session = data.getSession();
        boolean resumed = Resumption.resumed(client.controlSession(), session);
        Socket plain = client.dataSocket();
        UploadWatch progress = UploadWatch.start(timer, remote, target.dataTimeout(), plain);
        watch = progress;
        try (data; progress) {
            if (buffer == null) {
                buffer = new byte[target.bufferSize()];
            }
            try {
                progress.copy(local, data.getOutputStream(), buffer);
            } catch (IOException e) {
                UploadWatch.reset(plain);
                throw e;
            }
            progress.close();
            TicketRenewal.collectTicket(data, plain, target, timer);
        } catch (IOException e) {
            lastStoredBytes = progress.bytes();
            // after a stall the server will not answer soon either: the control connection is replaced, not waited on
            String reply = progress.stalled() ? "" : serverReplyAfterFailure();
            controlReplyComplete = !reply.isEmpty();
            String cause = progress.stalled()
                    ? "no progress for " + target.dataTimeout().toSeconds() + " s (" + target.key("data-timeout") + ")"
                    : e.getMessage();
            String message = "Upload of " + remote + " to " + target.address() + " failed after "
                    + progress.bytes() + " bytes: "
                    + cause + (reply.isEmpty() ? "" : "; server replied: " + reply) + Resumption.note(session, resumed)
                    + ReuseRefusal.explain(reply, session.getProtocol(), resumed);
            // the server refused the data connection itself, seen only once the write failed: the target's problem
            // (unless the file failed first: then the reply is the server's answer to the aborted transfer)
            throw !reply.isEmpty() && !progress.failedReadingLocal() && refusesDataConnections(client.getReplyCode())
                    ? new DataConnectionException(message, e)
                    : new IOException(message, e);
        } finally {
            watch = null;
        }
        long bytes = progress.bytes();
        lastStoredBytes = bytes;
        boolean completed = client.confirming("the upload of " + remote, bytes, client::completePendingCommand);
        controlReplyComplete = true;
        if (!completed) {
            String reply = client.getReplyString().trim();
            throw refused(
                    "Upload of " + remote + " to " + target.address() + " refused: " + reply.replaceAll("\\.$", "")
                            + Resumption.note(session, resumed)
                            + ReuseRefusal.explain(reply, session.getProtocol(), resumed));
        }
        client.confirming("the size of " + remote, bytes, () -> {
            remoteFiles.verifySize(remote, bytes, target.uploadMode() == UploadMode.DIRECT);
            return null;
        });
        lastTransfer = new TransferReport(remote, bytes, (System.nanoTime() - start) / 1_000_000, resumed,
                session.getProtocol());
        return true;
    }

    /** Renames the uploaded temporary file into place, over an existing one: see {@link RemoteFiles}. */
    boolean rename(String from, String to) throws IOException {
        return client.confirming("the rename of " + from + " to " + to, Math.max(0, lastStoredBytes),
                () -> remoteFiles.rename(from, to));
    }

    /**
     * A refusal of the data connection itself (425; 522, as for lack of TLS session reuse) is the target's problem,
     * not the file's: every file would get it. Anything else (553: no permission, a bad name) is the file's.
     */
    private IOException refused(String message) {
        return refusesDataConnections(client.getReplyCode())
                ? new DataConnectionException(message)
                : new IOException(message);
    }

    private static boolean refusesDataConnections(int code) {
        return code == FTPReply.CANNOT_OPEN_DATA_CONNECTION || code == 522;
    }

    private String serverReplyAfterFailure() {
        try {
            if (client.isConnected()) {
                client.setSoTimeout(REPLY_AFTER_FAILURE_MILLIS);
                client.getReply();
                client.setSoTimeout(ControlConnection.millis(target.dataTimeout()));
                return client.getReplyString().trim();
            }
        } catch (IOException ignored) {
            // the server dropped the control connection (vsftpd does after refusing a data connection)
        }
        return "";
    }

    /** The upload under way if it has stalled for half the data timeout, described; else {@code null}. */
    String stalled() {
        UploadWatch current = watch;
        return current == null ? null : current.stalledFor(target.address());
    }

    TransferReport lastTransfer() {
        return lastTransfer;
    }
}
