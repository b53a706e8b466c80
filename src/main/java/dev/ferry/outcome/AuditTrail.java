package dev.ferry.outcome;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one JSON line per file outcome ({@link FileOutcome#toJson()}, written by Jackson), logged at INFO
 * to the category {@value #CATEGORY}. Where it goes is logging configuration: by default the console (the journal,
 * under systemd); the installed {@code application.properties} sends it to a rotated file of its own under
 * {@code /var/log/ferry} (docs/operations.md, "Audit trail").
 */
public final class AuditTrail {

    public static final String CATEGORY = "ferry.audit";
    private static final Logger LOG = LoggerFactory.getLogger(CATEGORY);

    private AuditTrail() {
    }

    /** {@code host}: cluster mode's name of this host, or {@code null}. */
    static void write(FileOutcome outcome, String host) {
        LOG.info("{}", outcome.toJson(host));
    }
}
