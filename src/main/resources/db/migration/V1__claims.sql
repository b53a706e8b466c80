-- Ferry's cluster mode (ferry.cluster.enabled): one row per file version a host has claimed, keyed by route, path
-- relative to the route's source and the file's exact version (size, modification time, inode, change time). The
-- owner (host and process) holds it until lease_until, on this database's clock, and renews the lease while it works
-- on the file; delivered_at is the delivery record, set once the server has the file; archived_at marks the file
-- archived (or quarantined), which no host may then claim again (another host's listing, or its attribute cache on EFS, may still show
-- the file for a while). A row released without an owner (owner NULL) can be claimed again at once. Archived rows are
-- deleted after an hour, rows nobody renews after ferry.cluster.forget-after.
CREATE TABLE ferry_claim (
    route        text        NOT NULL,
    path         text        NOT NULL,
    version      text        NOT NULL,
    owner        text,
    host         text        NOT NULL,
    claimed_at   timestamptz NOT NULL,
    lease_until  timestamptz NOT NULL,
    delivered_at timestamptz,
    archived_at  timestamptz,
    PRIMARY KEY (route, path, version)
);

-- each host renews the leases of all its claims in one statement
CREATE INDEX ferry_claim_owner ON ferry_claim (owner);

-- each host looks for claims whose lease ended with their owner once a second
CREATE INDEX ferry_claim_orphaned ON ferry_claim (lease_until) WHERE archived_at IS NULL AND owner IS NOT NULL;
