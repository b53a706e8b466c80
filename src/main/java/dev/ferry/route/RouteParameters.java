package dev.ferry.route;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import dev.ferry.ftps.Names;
import dev.ferry.ftps.RemoteDir;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.TimeUtils;

/**
 * The parameters of one {@code ftps-upload} route, as a route file sets them, parsed and checked in one place. Pure:
 * it looks at no file system and no server (see {@link SourceChecks} for that), so every rule here is unit-tested.
 *
 * @param source    {@code source} (required): local directory files are picked up from.
 * @param target    {@code target} (required): name of a target, {@code ferry.targets.<name>}.
 * @param remoteDir {@code remoteDir} (required): remote directory, absolute ({@code /incoming}) or relative to the
 *                  login directory ({@code incoming}); missing directories are created. Used as written
 *                  ({@link RemoteDir}): only control characters and {@code \} are refused.
 * @param include   {@code include}: file-name glob ({@code *.csv}, {@code report-?.txt}), matched case-insensitively;
 *                  default {@code *}, every file. Names starting with {@code .} are never picked up.
 * @param recursive {@code recursive}: {@code true} to pick up files in subdirectories too, keeping their relative
 *                  paths on the server and in the archive; default {@code false}.
 * @param archive   {@code archive}: delivered files are moved to {@code <archive>/yyyy/MM/dd/<name>}; default
 *                  {@code <source>/.archive}.
 * @param failed    {@code failed}: files that failed every attempt are moved here, with {@code <name>.error};
 *                  default {@code <source>/.failed}.
 * @param stableFor {@code stableFor}: a file is picked up only once it has not changed for this long ({@code 500ms},
 *                  {@code 1s}, {@code 2m}); default {@code 1s}.
 */
public record RouteParameters(Path source, String target, RemoteDir remoteDir, Pattern include, boolean recursive,
        Path archive, Path failed, Duration stableFor) {

    public static final String SOURCE = "source";
    public static final String TARGET = "target";
    public static final String REMOTE_DIR = "remoteDir";
    public static final String INCLUDE = "include";
    public static final String RECURSIVE = "recursive";
    public static final String ARCHIVE = "archive";
    public static final String FAILED = "failed";
    public static final String STABLE_FOR = "stableFor";
    /** {@code stableFor} when a route file does not set it. */
    static final String DEFAULT_STABLE_FOR = "1s";

    /** What a route file may set, with the defaults the template declares. */
    static final Set<String> ACCEPTED = Set.of(SOURCE, TARGET, REMOTE_DIR, INCLUDE, RECURSIVE, ARCHIVE, FAILED,
            STABLE_FOR);

    /**
     * Parses a route's parameters. {@code where} names the route file in messages; {@code resolve} resolves property
     * placeholders in a value ({@code {{outbox.dir}}}). Kebab-case names ({@code remote-dir}) are accepted too.
     */
    static RouteParameters parse(String where, Map<String, ?> parameters, UnaryOperator<String> resolve) {
        Values values = new Values(where, parameters, resolve);
        Path source = values.path(SOURCE, null);
        String target = values.required(TARGET);
        RemoteDir remoteDir = values.remoteDir(REMOTE_DIR);
        String include = values.optional(INCLUDE);
        return new RouteParameters(source, target, remoteDir,
                include == null || include.equals("*")
                        ? null
                        : Pattern.compile(globToRegex(include), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE),
                values.bool(RECURSIVE), values.path(ARCHIVE, source.resolve(".archive")),
                values.path(FAILED, source.resolve(".failed")),
                values.duration(STABLE_FOR, DEFAULT_STABLE_FOR));
    }

    /** The source directory as {@link #parse} makes it, absolute and normalized: routes are told apart by it. */
    static Path sourceOf(String value) {
        return Path.of(value).toAbsolutePath().normalize();
    }

    /** {@code *} and {@code ?} match within a name; everything else literally. */
    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    /** The raw values with the rules for reading each kind, every message naming the route file and parameter. */
    private static final class Values {

        private final String where;
        private final Map<String, String> values = new java.util.HashMap<>();
        private final UnaryOperator<String> resolve;

        Values(String where, Map<String, ?> parameters, UnaryOperator<String> resolve) {
            this.where = where;
            this.resolve = resolve;
            Set<String> unknown = new TreeSet<>();
            parameters.forEach((name, value) -> {
                // the YAML DSL hands names over in kebab case (remote-dir), Camel adds both spellings
                String camel = StringHelper.dashToCamelCase(name);
                if (!ACCEPTED.contains(camel)) {
                    unknown.add(camel);
                } else if (value != null && (camel.equals(name) || !values.containsKey(camel))) {
                    values.put(camel, value.toString());
                }
            });
            for (String name : unknown) {
                throw new ConfigurationException(
                        where + ": parameter '" + name + "' is not one of " + FtpsUploadTemplate.TEMPLATE_ID + "'s: "
                                + String.join(", ", new TreeSet<>(ACCEPTED)));
            }
        }

        String optional(String name) {
            String raw = values.get(name);
            if (raw == null) {
                return null;
            }
            String value = resolve.apply(raw).trim();
            return value.isEmpty() ? null : value;
        }

        String required(String name) {
            String value = optional(name);
            if (value == null) {
                throw new ConfigurationException(where + ": parameter '" + name + "' is required");
            }
            return value;
        }

        Path path(String name, Path fallback) {
            String value = fallback == null ? required(name) : optional(name);
            if (value == null) {
                return fallback;
            }
            try {
                return sourceOf(uriSafe(name, value));
            } catch (InvalidPathException e) {
                throw new ConfigurationException(where + ": parameter '" + name + "' = " + quoted(value)
                        + " is not a valid path: " + e.getReason());
            }
        }

        /**
         * The source directory goes into the file endpoint's URI, which it must not be able to change: a {@code ?},
         * {@code &} or {@code #} could add options, {@code {}} or {@code $} placeholders, {@code %} escapes. The
         * archive and failed directories are held to the same rule; control characters and backslashes are refused
         * too.
         */
        String uriSafe(String name, String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ("?&#%{}$\\".indexOf(c) >= 0 || Character.isISOControl(c)) {
                    throw new ConfigurationException(where + ": parameter '" + name + "' = " + quoted(value)
                            + " holds '"
                            + Names.printable(String.valueOf(c)) + "', which Ferry does not accept in a directory name"
                            + " (none of ? & # % { } $ \\ or control characters); rename the directory or choose "
                            + "another");
                }
            }
            return value;
        }

        RemoteDir remoteDir(String name) {
            String value = required(name);
            try {
                return RemoteDir.of(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(where + ": parameter '" + name + "' = " + quoted(value) + " "
                        + e.getMessage() + "; rename the directory or choose another");
            }
        }

        boolean bool(String name) {
            String value = optional(name);
            if (value == null || value.equalsIgnoreCase("false")) {
                return false;
            }
            if (value.equalsIgnoreCase("true")) {
                return true;
            }
            throw new ConfigurationException(
                    where + ": parameter '" + name + "' must be true or false, not '" + value + "'");
        }

        Duration duration(String name, String fallback) {
            String value = optional(name);
            try {
                long millis = TimeUtils.toMilliSeconds(value == null ? fallback : value);
                if (millis < 0) {
                    throw new IllegalArgumentException("negative");
                }
                return Duration.ofMillis(millis);
            } catch (RuntimeException e) {
                throw new ConfigurationException(
                        where + ": parameter '" + name + "' must be a duration such as 500ms, 1s or 2m, not '" + value
                                + "'");
            }
        }

        private static String quoted(String value) {
            return "'" + Names.printable(value) + "'";
        }
    }
}
