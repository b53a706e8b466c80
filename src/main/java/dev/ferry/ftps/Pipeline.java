package dev.ferry.ftps;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.net.ftp.FTPReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands sent together on one control connection ({@code ferry.targets.<name>.pipelining}): each costs a round trip
 * otherwise, and on a server that writes to S3 before it answers a round trip is most of what a small file costs.
 * FTP servers read a control connection's commands in order and answer each in turn, so commands written in one go
 * are answered as if sent one by one; what may go together is only what does not depend on a reply not yet read:
 * <ul>
 * <li>a file's last command and the passive request ({@code EPSV}) for the connection's next upload: the server opens
 * a passive port that the next upload connects to, one round trip saved per file. A port not used within
 * {@link #FRESH_NANOS}, or that cannot be connected to, or whose {@code STOR} the server refuses with 425, is asked
 * for again before anything is sent on it;</li>
 * <li>{@code RNFR} and {@code RNTO} (lftp's {@code sync-mode off} does the same), sent only after {@code SIZE}
 * confirmed the upload: an {@code RNTO} after a refused {@code RNFR} is refused as out of sequence and renames
 * nothing.</li>
 * </ul>
 * A connection whose replies cannot all be read is closed, so no reply is ever taken for a later command's.
 */
final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** How long a passive port asked for ahead is used: servers may close one that waits (none seen doing so). */
    static final long FRESH_NANOS = 10_000_000_000L;

    /** One command's reply. */
    record Reply(int code, String text) {
    }

    /** A passive port asked for ahead: the server's reply and the address to connect to. */
    record Passive(String reply, InetSocketAddress endpoint) {
    }

    private final FtpsClient client;
    private final Target target;
    private Passive ahead;
    private long aheadAt;
    private boolean epsvRefused;
    private int usedAhead;

    Pipeline(FtpsClient client, Target target) {
        this.client = client;
        this.target = target;
    }

    /**
     * Sends {@code commandsAndArguments} (command, argument or {@code null}, ...) in one write and reads their replies
     * in order; with {@code passiveAhead}, an {@code EPSV} for the next upload goes last. Afterwards the client's reply
     * is the last command's, as if they had been sent one by one. The caller holds the client's exchange.
     */
    List<Reply> send(boolean passiveAhead, String... commandsAndArguments) throws IOException {
        for (int i = 0; i < commandsAndArguments.length; i += 2) {
            Commands.check(commandsAndArguments[i], commandsAndArguments[i + 1], target);
        }
        boolean passive = passiveAhead && target.pipelining() && !epsvRefused;
        // the directory first, on its own: whether the commands make sense depends on it
        client.changeDirectoryBefore(commandsAndArguments[0]);
        List<Reply> replies = new ArrayList<>();
        try {
            for (int i = 0; i < commandsAndArguments.length; i += 2) {
                client.write(commandsAndArguments[i], commandsAndArguments[i + 1]);
            }
            if (passive) {
                client.write("EPSV", null);
            }
            client.flushCommands();
            for (int i = 0; i < commandsAndArguments.length; i += 2) {
                int code = client.getReply();
                replies.add(new Reply(code, client.getReplyString().trim()));
            }
        } catch (IOException e) {
            // replies still unread would be taken for the next commands'
            client.closeQuietly();
            throw e;
        }
        if (passive) {
            int code = client.getReplyCode();
            String[] lines = client.getReplyStrings();
            readPassive();
            client.replyIs(code, lines);
        }
        return replies;
    }

    private void readPassive() {
        try {
            // an answer to a passive request, not to the file's own command: data-timeout, not the file's longer wait
            int code = client.within(target.dataTimeout(), client::getReply);
            String reply = client.getReplyString().trim();
            if (code != FTPReply.ENTERING_EPSV_MODE) {
                // a server that does not know EPSV is not asked ahead again; any other refusal counts for this once
                epsvRefused = code == FTPReply.UNRECOGNIZED_COMMAND || code == FTPReply.SYNTAX_ERROR_IN_ARGUMENTS
                        || code == FTPReply.COMMAND_NOT_IMPLEMENTED
                        || code == FTPReply.COMMAND_NOT_IMPLEMENTED_FOR_PARAMETER;
                LOG.debug("{} answered an EPSV sent ahead with {}", target.address(), reply);
                return;
            }
            ahead = new Passive(reply,
                    new InetSocketAddress(client.getRemoteAddress(), PassivePolicy.epsvPort(reply)));
            aheadAt = System.nanoTime();
        } catch (IOException e) {
            // the file's own replies are in; the connection is replaced before its next use
            LOG.debug("No reply from {} to an EPSV sent ahead: {}", target.address(), e.toString());
            client.closeQuietly();
        }
    }

    /** The passive port asked for ahead, once, if it is fresh; else {@code null} (the caller asks for one). */
    Passive take() {
        Passive passive = ahead;
        ahead = null;
        if (passive == null || System.nanoTime() - aheadAt > FRESH_NANOS) {
            return null;
        }
        return passive;
    }

    /** A data connection was opened on the passive port asked for ahead. */
    void used() {
        usedAhead++;
    }

    /** A new or closed control connection: a passive port asked for on the old one is gone. */
    void forget() {
        ahead = null;
    }

    /** How many data connections used a passive port asked for ahead. */
    int usedAhead() {
        return usedAhead;
    }
}
