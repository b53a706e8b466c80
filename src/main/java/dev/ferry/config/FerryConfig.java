package dev.ferry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Ferry's configuration, read from {@code application.properties} in the config directory. Every key lives under
 * {@code ferry.}; an unknown key fails start-up with the file and line that holds it.
 */
@ConfigMapping(prefix = "ferry")
public interface FerryConfig {

    /**
     * The config directory: holds {@code application.properties} and {@code routes/*.yaml}. Set it with the
     * environment variable {@code FERRY_CONFIG_DIR} (installed: {@code /etc/ferry}); default: the working directory.
     */
    @WithName("config-dir")
    @WithDefault("${FERRY_CONFIG_DIR:.}")
    Path configDir();

    /** The FTPS servers files are shipped to, by name: {@code ferry.targets.<name>.<key>}. */
    Map<String, TargetConfig> targets();

    /** How a file that failed to upload is retried before it is quarantined. */
    Retry retry();

    /** How a target that cannot be reached or refuses the login is backed off. */
    Backoff backoff();

    /** Ferry's own log lines. */
    Log log();

    /** What the readiness check ({@code /q/health/ready}) reports. */
    Health health();

    /** Several hosts on one shared source directory, coordinated through PostgreSQL (docs/several-hosts.md). */
    Cluster cluster();

    interface Cluster {

        /**
         * {@code true}: this host is one of several polling the same source directories (an EFS mount). Each file is
         * claimed in the database ({@code quarkus.datasource.jdbc.url}, {@code .username}, and
         * {@code ferry.cluster.password-file} or {@code quarkus.datasource.password}) before its upload, and its
         * delivery is recorded there instead of in {@code <source>/.ferry/delivered}. Off by default: one host needs
         * no database.
         */
        @WithDefault("false")
        boolean enabled();

        /** This host's name in claims, audit lines, metrics and log lines; default: the host name. */
        Optional<String> host();

        /**
         * How long a claim holds without renewal, on the database's clock. A host renews its claims every third of
         * it; a host that dies loses them after this long, and another host sends the file. A host that cannot
         * renew (the database is unreachable) abandons its uploads before its lease ends.
         */
        @WithDefault("30s")
        Duration lease();

        /**
         * A file holding the database password (its first line), e.g. {@code ${CREDENTIALS_DIRECTORY}/database}
         * under systemd; {@code quarkus.datasource.password} is used when this is not set.
         */
        Optional<Path> passwordFile();

        /**
         * A claim nobody has renewed for this long is deleted, delivered or not: the record of a file that was
         * delivered and then removed from the source by hand, or of a host that never came back.
         */
        @WithDefault("168h")
        Duration forgetAfter();
    }

    interface Health {

        /**
         * A route's poll is reported stuck (readiness DOWN) when, while it runs, nothing has moved for this long:
         * no file listed, handed over or read for an upload. A file waiting for its next attempt holds no upload
         * thread, so a poll never waits for a retry's delay.
         */
        @WithDefault("10m")
        Duration pollStuckAfter();
    }

    interface Log {

        /**
         * While files flow (or wait), each route logs one summary line this often: files delivered, bytes,
         * retried, quarantined, skipped, and how many wait with the age of the oldest. {@code 0} turns it off.
         */
        @WithDefault("1m")
        Duration summaryInterval();
    }

    interface Retry {

        /**
         * Upload attempts per file, the first included, before the file is moved to its route's {@code failed}
         * directory with a {@code .error} report beside it.
         */
        @WithDefault("6")
        @Min(value = 1, message = "must be 1 or more (the first attempt included)")
        int attempts();

        /** Delay before the second attempt. */
        @WithDefault("2s")
        Duration initialDelay();

        /** Each further delay is the previous one times this factor. */
        @WithDefault("3")
        @DecimalMin(value = "1", message = "must be 1 or more")
        double multiplier();

        /** The longest delay between two attempts. */
        @WithDefault("5m")
        Duration maxDelay();

        /**
         * When the archive or failed directory cannot take a file (full or read-only disk), the file stays in its
         * source and is looked at again after this long; a delivered one is then archived, not sent again.
         */
        @WithDefault("30s")
        Duration localFailureDelay();
    }

    interface Backoff {

        /**
         * After a target could not be reached (connection refused or timed out, TLS handshake failed), no file of
         * its routes is tried for this long; the pause doubles with each further failure. Files wait in their source
         * directory meanwhile and keep their upload attempts.
         */
        @WithDefault("2s")
        Duration initialDelay();

        /** The longest pause of an unreachable target. */
        @WithDefault("2m")
        Duration maxDelay();

        /**
         * The pause after the server refused the login (530): long enough that a wrong password never hammers the
         * server (or locks the account), doubling up to {@code login-refused-max-delay}.
         */
        @WithDefault("30s")
        Duration loginRefusedDelay();

        /** The longest pause after refused logins, so a wrong password costs a few logins an hour at most. */
        @WithDefault("1h")
        Duration loginRefusedMaxDelay();
    }
}
