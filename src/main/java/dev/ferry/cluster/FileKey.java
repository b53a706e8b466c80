package dev.ferry.cluster;

import java.sql.PreparedStatement;
import java.sql.SQLException;

import dev.ferry.ftps.Names;

/**
 * One version of one file of a route, as claims are keyed: the route's id, the path relative to its source and the
 * file's version (size, modification time, inode, status-change time), which every host on the shared file system
 * sees alike.
 */
public record FileKey(String route, String path, String version) {

    /** Binds route, path and version from parameter {@code first} on; returns the next parameter's index. */
    int bind(PreparedStatement statement, int first) throws SQLException {
        statement.setString(first, route);
        statement.setString(first + 1, path);
        statement.setString(first + 2, version);
        return first + 3;
    }

    @Override
    public String toString() {
        return Names.printable(path) + " (route " + route + ")";
    }
}
