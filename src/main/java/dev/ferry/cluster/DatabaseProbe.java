package dev.ferry.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What {@code ferry check} asks of the claims' database, in cluster mode. */
public final class DatabaseProbe {

    private DatabaseProbe() {
    }

    /**
     * {@code ferry check}: connects, and reports the server, the schema and whether claims can be written (in a
     * transaction rolled back).
     */
    public static String probe(Cluster cluster) throws SQLException {
        try (Connection connection = cluster.dataSource().getConnection()) {
            String version;
            boolean schema;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT current_setting('server_version'), to_regclass('ferry_claim') IS NOT NULL");
                    ResultSet result = select.executeQuery()) {
                result.next();
                version = result.getString(1);
                schema = result.getBoolean(2);
            }
            if (!schema) {
                return "PostgreSQL " + version + " as " + connection.getMetaData().getUserName()
                        + "; no ferry_claim table yet: the service creates it at its first start";
            }
            connection.setAutoCommit(false);
            try (PreparedStatement write = connection.prepareStatement(
                    "INSERT INTO ferry_claim (route, path, version, owner, host, claimed_at, lease_until)"
                            + " VALUES ('ferry check', ?, '', ?, ?, clock_timestamp(), clock_timestamp())")) {
                write.setString(1, cluster.owner());
                write.setString(2, cluster.owner());
                write.setString(3, cluster.host());
                write.executeUpdate();
            } finally {
                connection.rollback();
            }
            return "PostgreSQL " + version + " as " + connection.getMetaData().getUserName()
                    + "; claims can be written (schema " + schemaVersion(connection) + ")";
        }
    }

    private static String schemaVersion(Connection connection) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT max(version) FROM ferry_schema_history WHERE success");
                ResultSet result = select.executeQuery()) {
            return result.next() ? "version " + result.getString(1) : "unversioned";
        } catch (SQLException e) {
            return "unversioned";
        }
    }
}
