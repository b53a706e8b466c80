package dev.ferry.route;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The checks on a route's directories that need the file system or the other routes: the source exists and can be
 * written (files are moved out of it), no two routes share files, and a recursive source does not pick up its own
 * archive.
 */
final class SourceChecks {

    private final Map<Path, Owner> sources = new LinkedHashMap<>();

    /** Checks one route's directories against the file system and the routes checked before it. */
    void check(String where, RouteParameters route) {
        Path source = route.source();
        if (!Files.exists(source)) {
            throw new ConfigurationException(
                    where + ": source directory " + source + " does not exist; create it or fix the parameter source");
        }
        if (!Files.isDirectory(source)) {
            throw new ConfigurationException(where + ": source " + source + " is not a directory");
        }
        if (!Files.isReadable(source) || !Files.isWritable(source) || !Files.isExecutable(source)) {
            throw new ConfigurationException(where + ": source directory " + source
                    + " must be readable and writable by the user Ferry runs as (files are moved out of it once "
                    + "delivered)");
        }
        checkOverlap(where, source, route.recursive());
        for (Path dir : new Path[]{route.archive(), route.failed()}) {
            if (route.recursive() && dir.startsWith(source) && !source.relativize(dir).toString().startsWith(".")) {
                throw new ConfigurationException(where + ": " + dir + " lies inside the recursive source " + source
                        + " and would be picked up again; give it a name starting with '.' or move it out of the "
                        + "source");
            }
        }
    }

    /**
     * Two routes on one source would race for its files (the first to archive a file takes it from the other), so a
     * source may belong to one route only, and a recursive route's tree may hold no other route's source.
     */
    private void checkOverlap(String where, Path source, boolean recursive) {
        for (Map.Entry<Path, Owner> other : sources.entrySet()) {
            Path path = other.getKey();
            if (path.equals(source) || recursive && path.startsWith(source)
                    || other.getValue().recursive() && source.startsWith(path)) {
                throw new ConfigurationException(where + ": source " + source + " overlaps the source " + path + " of "
                        + other.getValue().file()
                        + "; each file must belong to one route (to ship one directory to two targets,"
                        + " have the application write it twice)");
            }
        }
        sources.put(source, new Owner(where, recursive));
    }

    private record Owner(String file, boolean recursive) {
    }
}
