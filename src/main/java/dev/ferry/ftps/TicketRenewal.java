package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a TLS 1.3 control connection must be renewed. The JDK uses each session ticket once, so a data connection can
 * resume only while the client holds an unused ticket; a server that sends no new ticket on data connections
 * (ProFTPD 1.3.8) lets them run out, and the next data connection would be refused. Then, or after a data connection
 * that did not resume, the client renews its control connection before the next transfer. Logged once at INFO, as a
 * decision; every later renewal at DEBUG.
 * <p>
 * The JDK learns a server's next ticket only when it reads, and a STOR never reads its data connection: after each
 * TLS 1.3 upload {@link #collectTicket} reads the data connection to its end.
 */
final class TicketRenewal {

    private static final Logger LOG = LoggerFactory.getLogger(TicketRenewal.class);
    private static final int DRAIN_MILLIS = 5_000;

    private int ticketsAtLastTransfer = -1;
    private boolean afterFailedResumption;
    private boolean logged;

    /** A new control connection: nothing is known about its tickets yet. */
    void connected() {
        ticketsAtLastTransfer = -1;
        afterFailedResumption = false;
    }

    /** A data connection did not resume the control session: the server will most likely refuse it. */
    void notResumed() {
        afterFailedResumption = true;
    }

    /** The server took the data connection, resumed or not: nothing to renew on its account. */
    void accepted() {
        afterFailedResumption = false;
    }

    /** Whether to renew before a transfer, given the client's unused tickets now. */
    boolean due(int tickets, String address) {
        boolean ranOut = ticketsAtLastTransfer >= 0 && tickets < ticketsAtLastTransfer;
        if (!ranOut && !afterFailedResumption) {
            return false;
        }
        String reason = afterFailedResumption
                ? "its last data connection could not resume the TLS 1.3 session"
                : "it sent no new TLS 1.3 session ticket on the last data connection";
        if (!logged) {
            logged = true;
            LOG.info("{}: {}, and each ticket resumes one data connection only; renewing the control connection"
                    + " whenever tickets run out (once per file with ProFTPD on TLS 1.3)", address, reason);
        } else {
            LOG.debug("{}: renewing the control connection: {}", address, reason);
        }
        return true;
    }

    /** A transfer starts with this many unused tickets. */
    void transferStarts(int tickets) {
        ticketsAtLastTransfer = tickets;
    }

    /** The unused session tickets (TLS 1.3) or sessions (TLS 1.2) in the context's client cache. */
    static int unused(SSLContext context) {
        return Collections.list(context.getClientSessionContext().getIds()).size();
    }

    /**
     * Half-closes a TLS 1.3 data connection after its upload and reads it to its end, each read bounded by the socket
     * timeout and the whole by a deadline that closes {@code plain}: what arrives is the server's post-handshake
     * messages (its next session ticket) and its close_notify.
     */
    static void collectTicket(SSLSocket data, Socket plain, Target target, NetworkTimer timer) {
        if (!"TLSv1.3".equals(data.getSession().getProtocol())) {
            return;
        }
        try (Deadline deadline = Deadline
                .after(timer, Duration.ofMillis(Math.min(DRAIN_MILLIS, target.dataTimeout().toMillis())), plain)) {
            data.shutdownOutput();
            data.setSoTimeout(DRAIN_MILLIS);
            InputStream in = data.getInputStream();
            byte[] scratch = new byte[1024];
            while (in.read(scratch) != -1) {
                // nothing is expected but post-handshake messages and the server's close_notify
            }
        } catch (IOException e) {
            LOG.trace("Draining the data connection ended with {}", e.toString());
        }
    }
}
