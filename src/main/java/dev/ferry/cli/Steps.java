package dev.ferry.cli;

import java.io.PrintStream;

import dev.ferry.ftps.FtpsClient;

/**
 * How {@code ferry check} reports: one line per step ({@code ok}, {@code warn}, {@code info}, {@code skip} or
 * {@code FAIL}, the step's name, what was seen), and a {@link Failed} that ends the target's check once its line is
 * printed.
 */
final class Steps {

    private final PrintStream out;

    Steps(PrintStream out) {
        this.out = out;
    }

    void line(String status, String step, String text) {
        out.printf("  %-5s %-8s %s%n", status, step, text);
    }

    /** Prints the failed step's line; throw what it returns. */
    Failed fail(String step, String text) {
        line("FAIL", step, text);
        return new Failed(step);
    }

    /** The passive reply, when a data connection failed before it was described. */
    void passiveLine(FtpsClient client) {
        String passive = client.report().passiveReply();
        if (passive != null) {
            line("info", "passive", passive);
        }
    }

    /** Whether a data connection resumed the control connection's TLS session, and what a refusal would look like. */
    static String resumption(boolean resumed) {
        return resumed
                ? "TLS session resumed from the control connection"
                : "TLS session NOT resumed; this server accepted it, but one that requires reuse (AWS Transfer Family, "
                        + "vsftpd, ProFTPD by default) answers '522 Data connection must use cached TLS session'";
    }

    static String since(long start) {
        return (System.nanoTime() - start) / 1_000_000 + " ms";
    }

    /** A step failed; its line is printed, the message is the step's name. */
    static final class Failed extends Exception {

        Failed(String step) {
            super(step, null, false, false);
        }
    }
}
