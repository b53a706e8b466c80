package dev.ferry.ftps;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.apache.commons.net.ftp.FTPReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Ferry asks the server about the files it uploads, through the client's own commands: that the size on the
 * server is the size sent, and the rename into place, over an existing file where the server allows only that.
 * <p>
 * vsftpd, ProFTPD and S3-backed servers replace an existing file in one step. Servers that refuse to rename over one
 * (Apache FtpServer's {@code 553 Can't rename file.}, IIS's {@code 550 ... already exists}) get the old file deleted
 * first; any other refusal ({@code 550 Permission denied}) leaves the server's files as they are and fails the
 * attempt.
 */
final class RemoteFiles {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteFiles.class);

    private final FtpsClient client;
    private final Target target;
    private boolean sizeUnsupportedLogged;
    private Boolean apacheFtpServer;

    RemoteFiles(FtpsClient client, Target target) {
        this.client = client;
        this.target = target;
    }

    /**
     * Renames the uploaded temporary file into place: {@code RNFR} and {@code RNTO} together when the target pipelines,
     * with the next upload's {@code EPSV} ({@link Pipeline}).
     */
    boolean rename(String from, String to) throws IOException {
        Pipeline.Reply renameFrom;
        Pipeline.Reply renameTo;
        if (target.pipelining()) {
            List<Pipeline.Reply> replies = client.sendTogether(true, "RNFR", from, "RNTO", to);
            renameFrom = replies.get(0);
            renameTo = replies.get(1);
        } else {
            renameFrom = new Pipeline.Reply(client.rnfr(from), client.getReplyString().trim());
            renameTo = FTPReply.isPositiveIntermediate(renameFrom.code())
                    ? new Pipeline.Reply(client.rnto(to), client.getReplyString().trim())
                    : null;
        }
        if (!FTPReply.isPositiveIntermediate(renameFrom.code())) {
            throw new IOException("Cannot rename " + from + " on " + target.address() + ": " + renameFrom.text());
        }
        if (FTPReply.isPositiveCompletion(renameTo.code())) {
            return true;
        }
        String refusal = renameTo.text();
        if (refusesRenameOverExisting(renameTo.code(), refusal) && exists(to) && client.deleteFile(to)) {
            if (FTPReply.isPositiveIntermediate(client.rnfr(from)) && FTPReply.isPositiveCompletion(client.rnto(to))) {
                LOG.debug("{} refused to rename over {} ({}); replaced it by delete and rename", target.address(), to,
                        refusal);
                return true;
            }
            // the old file is gone and the new one waits under its temporary name: a later attempt sends it again
            throw new IOException("Deleted the old " + to + " on " + target.address() + " to rename " + from
                    + " over it (the server refuses renaming over a file: " + refusal
                    + "), but the rename then failed: "
                    + client.getReplyString().trim() + "; the new file stays under " + from
                    + " and the next attempt sends it again");
        }
        throw new IOException("Cannot rename " + from + " to " + to + " on " + target.address() + ": " + refusal);
    }

    /** Whether the refusal means "the name is taken" rather than anything else: only then may the old file go. */
    private boolean refusesRenameOverExisting(int code, String refusal) throws IOException {
        if (!FTPReply.isNegativePermanent(code)) {
            return false;
        }
        // IIS: "550 Cannot create a file when that file already exists."; others: "553 File exists"
        String text = refusal.toLowerCase(Locale.ROOT);
        if (text.contains("already exists") || text.contains("file exists")) {
            return true;
        }
        if (code != FTPReply.FILE_NAME_NOT_ALLOWED) {
            return false;
        }
        if (apacheFtpServer == null) {
            // Apache FtpServer answers a rename over an existing file with the same 553 as any other refused rename
            apacheFtpServer = FTPReply.isPositiveCompletion(client.syst())
                    && client.getReplyString().contains("Apache FtpServer");
        }
        return apacheFtpServer;
    }

    private boolean exists(String path) throws IOException {
        return client.sendCommand("SIZE", path) == FTPReply.FILE_STATUS;
    }

    /**
     * The remote SIZE must equal the bytes sent; a mismatch fails the attempt. As the file's {@code lastCommand}
     * (direct mode), the next upload's {@code EPSV} goes with it when the target pipelines ({@link Pipeline}).
     */
    void verifySize(String remote, long sent, boolean lastCommand) throws IOException {
        int code = lastCommand && target.pipelining()
                ? client.sendTogether(true, "SIZE", remote).get(0).code()
                : client.sendCommand("SIZE", remote);
        if (code == FTPReply.FILE_STATUS) {
            String text = client.getReplyString().trim();
            long size;
            try {
                size = Long.parseLong(text.substring(4).trim());
            } catch (RuntimeException e) {
                throw new IOException("Cannot read the size of " + remote + " from the server's reply '" + text + "'");
            }
            if (size != sent) {
                throw new IOException(
                        "Remote size of " + remote + " is " + size + " bytes but " + sent + " bytes were sent");
            }
        } else if (code == FTPReply.UNRECOGNIZED_COMMAND || code == FTPReply.COMMAND_NOT_IMPLEMENTED
                || code == FTPReply.COMMAND_NOT_IMPLEMENTED_FOR_PARAMETER) {
            if (!sizeUnsupportedLogged) {
                sizeUnsupportedLogged = true;
                LOG.warn("{} does not support SIZE ({}): uploads to it are not size-checked", target.address(),
                        client.getReplyString().trim());
            }
        } else {
            throw new IOException("Cannot check the size of " + remote + ": " + client.getReplyString().trim());
        }
    }
}
