package dev.ferry.ftps;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a TLS 1.3 control connection must be renewed. The JDK uses each session ticket once, so a data connection can
 * resume only while the client holds an unused ticket; a server that sends no new ticket on data connections
 * (ProFTPD 1.3.8) lets them run out, and the next data connection would be refused. Then, or after a data connection
 * that did not resume, the client renews its control connection before the next transfer. Logged once at INFO, as a
 * decision; every later renewal at DEBUG.
 */
final class TicketRenewal {

    private static final Logger LOG = LoggerFactory.getLogger(TicketRenewal.class);

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
}
