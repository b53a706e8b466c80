package dev.ferry.cluster;

/**
 * The statements on the table {@code ferry_claim} (src/main/resources/db/migration), each keyed by route, path and
 * version then owner unless it says otherwise; every time in them is the database's ({@code clock_timestamp()}).
 * {@link Cluster} runs them and decides what their answers mean.
 */
final class ClaimStatements {

    static final String CLAIM = """
            WITH claimed AS (
                INSERT INTO ferry_claim AS c (route, path, version, owner, host, claimed_at, lease_until)
                VALUES (?, ?, ?, ?, ?, clock_timestamp(), clock_timestamp() + make_interval(secs => ?))
                ON CONFLICT (route, path, version) DO UPDATE
                    SET owner = excluded.owner, host = excluded.host, claimed_at = excluded.claimed_at,
                        lease_until = excluded.lease_until
                    WHERE c.archived_at IS NULL
                        AND (c.owner IS NULL OR c.owner = excluded.owner OR c.lease_until < clock_timestamp()
                            AND pg_postmaster_start_time() < clock_timestamp() - make_interval(secs => ?))
                RETURNING c.delivered_at IS NOT NULL AS delivered)
            SELECT true, delivered, NULL, 0::float8 FROM claimed
            UNION ALL
            SELECT false, archived_at IS NOT NULL, host, extract(epoch FROM lease_until - clock_timestamp())::float8
                FROM ferry_claim WHERE route = ? AND path = ? AND version = ? AND NOT EXISTS (SELECT 1 FROM claimed)
            """;
    static final String DELIVERED = "UPDATE ferry_claim SET delivered_at = clock_timestamp()"
            + " WHERE route = ? AND path = ? AND version = ? AND owner = ?";
    static final String ARCHIVE = "UPDATE ferry_claim SET archived_at = clock_timestamp(), owner = NULL,"
            + " lease_until = clock_timestamp() WHERE route = ? AND path = ? AND version = ? AND owner = ?";
    static final String DROP = "DELETE FROM ferry_claim WHERE route = ? AND path = ? AND version = ?"
            + " AND owner = ?";
    static final String DROP_UNDELIVERED = DROP + " AND delivered_at IS NULL";
    static final String LET_GO = "UPDATE ferry_claim SET owner = NULL, lease_until = clock_timestamp()"
            + " WHERE route = ? AND path = ? AND version = ? AND owner = ?";
    static final String RENEW = "UPDATE ferry_claim SET lease_until = clock_timestamp()"
            + " + make_interval(secs => ?) WHERE owner = ? RETURNING route, path, version";
    /** Claims whose lease has ended with their owner still named: their host died (or lost the database). */
    static final String ORPHANED = "SELECT route, path FROM ferry_claim WHERE archived_at IS NULL"
            + " AND owner IS NOT NULL AND owner <> ? AND lease_until < clock_timestamp() LIMIT 10000";
    static final String FORGET = "DELETE FROM ferry_claim WHERE archived_at < clock_timestamp()"
            + " - interval '1 hour' OR lease_until < clock_timestamp() - make_interval(secs => ?)";

    private ClaimStatements() {
    }
}
