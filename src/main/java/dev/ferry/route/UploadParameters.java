package dev.ferry.route;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.ferry.config.FerryConfig;
import dev.ferry.config.TargetConfig.UploadMode;
import dev.ferry.config.Targets;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.Names;
import dev.ferry.ftps.Target;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.apache.camel.CamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.TimeUtils;

/**
 * Checks the parameters of each {@code ftps-upload} route as it is added, and turns them into the Camel options the
 * template uses, so a route file needs nothing but these parameters:
 * <ul>
 * <li>{@code source} (required): local directory files are picked up from; must exist and be writable.</li>
 * <li>{@code target} (required): name of a target, {@code ferry.targets.<name>}.</li>
 * <li>{@code remoteDir} (required): remote directory; missing directories are created. Neither it nor
 * {@code source} may hold {@code ? & # % { } $ \} or control characters.</li>
 * <li>{@code include}: file-name glob ({@code *.csv}, {@code report-?.txt}); default: every file. Names starting
 * with {@code .} are never picked up.</li>
 * <li>{@code recursive}: {@code true} to pick up files in subdirectories too, keeping their relative paths on the
 * server and in the archive; default {@code false}.</li>
 * <li>{@code archive}: delivered files are moved to {@code <archive>/yyyy/MM/dd/<name>}; default
 * {@code <source>/.archive}.</li>
 * <li>{@code failed}: files that failed every attempt are moved here, with {@code <name>.error}; default
 * {@code <source>/.failed}.</li>
 * <li>{@code stableFor}: a file is picked up only once it has not changed for this long ({@code 500ms}, {@code 1s},
 * {@code 2m}); default {@code 1s}.</li>
 * </ul>
 */
public class UploadParameters implements RouteTemplateDefinition.Converter {

    static final String SOURCE = "source";
    static final String TARGET = "target";
    static final String REMOTE_DIR = "remoteDir";
    static final String INCLUDE = "include";
    static final String RECURSIVE = "recursive";
    static final String ARCHIVE = "archive";
    static final String FAILED = "failed";
    static final String STABLE_FOR = "stableFor";
    static final String DELIVERY = "delivery";
    static final String FILE_OPTIONS = "fileOptions";
    static final String FTPS_ENDPOINT = "ftpsEndpoint";

    private static final Set<String> ACCEPTED = Set.of(SOURCE, TARGET, REMOTE_DIR, INCLUDE, RECURSIVE, ARCHIVE, FAILED, STABLE_FOR);
    private static final Set<String> INTERNAL = Set.of(DELIVERY, FILE_OPTIONS, FTPS_ENDPOINT);

    private final CamelContext context;
    private final Targets targets;
    private final FerryConfig config;
    private final Map<String, TargetGate> gates = new HashMap<>();
    private final Map<Path, DeliveryRecord> repositories = new HashMap<>();
    private final Map<Path, SourceOwner> sources = new LinkedHashMap<>();
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
    private String where = "route";

    UploadParameters(CamelContext context, Targets targets, FerryConfig config) {
        this.context = context;
        this.targets = targets;
        this.config = config;
    }

    /** Names the route file whose routes are added next, for error messages. */
    void loading(String file) {
        this.where = file;
    }

    Map<String, TargetGate> gates() {
        return gates;
    }

    Map<String, Delivery> deliveries() {
        return deliveries;
    }

    @Override
    public RouteDefinition apply(RouteTemplateDefinition template, Map<String, Object> parameters) throws Exception {
        // the YAML DSL hands parameter names over in kebab case (remote-dir); route files may use either
        for (String name : Set.copyOf(parameters.keySet())) {
            String camel = StringHelper.dashToCamelCase(name);
            if (!camel.equals(name)) {
                parameters.putIfAbsent(camel, parameters.remove(name));
            }
        }
        Set<String> unknown = new TreeSet<>(parameters.keySet());
        unknown.removeAll(ACCEPTED);
        for (String name : unknown) {
            throw new ConfigurationException(where + ": parameter '" + name + "' is not one of ftps-upload's: "
                    + (INTERNAL.contains(name) ? name + " is set by Ferry" : String.join(", ", new TreeSet<>(ACCEPTED))));
        }
        Path source = Path.of(uriSafe(SOURCE, required(parameters, SOURCE))).toAbsolutePath().normalize();
        Target target = targets.get(required(parameters, TARGET), where + ": parameter target");
        String remoteDir = uriSafe(REMOTE_DIR, required(parameters, REMOTE_DIR));
        boolean recursive = bool(parameters, RECURSIVE);
        Path archive = directory(parameters, ARCHIVE, source.resolve(".archive"));
        Path failed = directory(parameters, FAILED, source.resolve(".failed"));
        long stableFor = duration(parameters, STABLE_FOR, "1s");
        String include = optional(parameters, INCLUDE);

        checkSource(source);
        checkOverlap(source, recursive);
        for (Path dir : new Path[] { archive, failed }) {
            if (recursive && dir.startsWith(source) && !source.relativize(dir).toString().startsWith(".")) {
                throw new ConfigurationException(where + ": " + dir + " lies inside the recursive source " + source
                        + " and would be picked up again; give it a name starting with '.' or move it out of the source");
            }
        }

        String id = "ferry-delivery-" + (deliveries.size() + 1);
        FtpsClient client = new FtpsClient(target, remoteDir.startsWith("/"));
        TargetGate gate = gates.computeIfAbsent(target.name(), name -> bind("ferry-gate-" + name, new TargetGate(target, config.backoff())));
        client.onLogin(gate::succeeded);
        client.connectGuard(gate::checkOpen);
        Pattern includePattern = include == null ? null : Pattern.compile(globToRegex(include), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        Delivery delivery = new Delivery(target, gate, client, repository(source), archive, failed, remoteDir,
                config.retry().localFailureDelay(), includePattern, stableFor);
        bind(id, delivery);
        bind(id + "-client", client);
        deliveries.put(id, delivery);

        parameters.put(SOURCE, source.toString());
        parameters.put(DELIVERY, id);
        parameters.put(FILE_OPTIONS, fileOptions(recursive, stableFor, "ferry-gate-" + target.name(), id));
        parameters.put(FTPS_ENDPOINT, ftpsEndpoint(target, remoteDir, id + "-client"));
        return RouteTemplateDefinition.Converter.DEFAULT_CONVERTER.apply(template, parameters);
    }

    private static String fileOptions(boolean recursive, long stableFor, String gate, String delivery) {
        StringBuilder options = new StringBuilder()
                // Ferry moves each file itself (archive or failed), so Camel must neither move nor remember it
                .append("noop=true&idempotent=false")
                .append("&recursive=").append(recursive)
                .append("&sortBy=file:modified")
                .append("&readLock=changed&readLockMarkerFile=false&readLockMinLength=0&readLockLoggingLevel=INFO")
                .append("&readLockMinAge=").append(stableFor)
                .append("&readLockCheckInterval=").append(Math.max(100, Math.min(stableFor, 1000)))
                .append("&readLockTimeout=").append(Math.max(10_000, 3 * stableFor + 1000))
                .append("&pollStrategy=#").append(gate)
                // include is matched by the filter: a glob pasted into the URI could end RAW() and add options
                .append("&filter=#").append(delivery);
        return options.toString();
    }

    private static String ftpsEndpoint(Target target, String remoteDir, String client) {
        // Camel treats every remote path as relative; an absolute one is made so by the client starting at "/"
        String dir = remoteDir.replaceAll("^/+", "");
        StringBuilder uri = new StringBuilder("ftps:").append(target.host()).append(':').append(target.port()).append('/').append(dir)
                .append("?ftpClient=#").append(client)
                .append("&passiveMode=true&binary=true&autoCreate=true")
                // the route decides about retries; Camel must not reconnect behind its back
                .append("&maximumReconnectAttempts=0&throwExceptionOnConnectFailed=true")
                .append("&connectTimeout=").append(target.connectTimeout().toMillis())
                .append("&soTimeout=").append(target.dataTimeout().toMillis())
                .append("&timeout=").append(target.dataTimeout().toMillis());
        if (target.uploadMode() == UploadMode.TEMP_RENAME) {
            // a dot-name in the same directory, renamed without an existence check (RNTO replaces)
            uri.append("&tempFileName=${header.").append(Delivery.TEMP_NAME).append("}&fileExist=TryRename");
        } else {
            uri.append("&fileExist=Override");
        }
        return uri.toString();
    }

    /**
     * Values that go into an endpoint URI ({@code source}, {@code remoteDir}) must not be able to change its meaning:
     * a {@code ?}, {@code &} or {@code #} could add options (another client, another trust manager), {@code {}} or
     * {@code $} placeholders, {@code %} escapes; a line break or a backslash would reach the server as another
     * command or another directory.
     */
    private String uriSafe(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ("?&#%{}$\\".indexOf(c) >= 0 || Character.isISOControl(c)) {
                throw new ConfigurationException(where + ": parameter '" + name + "' = " + quoted(value) + " holds '"
                        + Names.printable(String.valueOf(c)) + "', which Ferry does not accept in a directory name"
                        + " (none of ? & # % { } $ \\ or control characters); rename the directory or choose another");
            }
        }
        return value;
    }

    private static String quoted(String value) {
        return "'" + Names.printable(value) + "'";
    }

    private void checkSource(Path source) {
        if (!Files.exists(source)) {
            throw new ConfigurationException(where + ": source directory " + source + " does not exist; create it or fix the parameter source");
        }
        if (!Files.isDirectory(source)) {
            throw new ConfigurationException(where + ": source " + source + " is not a directory");
        }
        if (!Files.isReadable(source) || !Files.isWritable(source) || !Files.isExecutable(source)) {
            throw new ConfigurationException(where + ": source directory " + source
                    + " must be readable and writable by the user Ferry runs as (files are moved out of it once delivered)");
        }
    }

    /**
     * Two routes on one source would race for its files (the first to archive a file takes it from the other), so a
     * source may belong to one route only, and a recursive route's tree may hold no other route's source.
     */
    private void checkOverlap(Path source, boolean recursive) {
        for (Map.Entry<Path, SourceOwner> other : sources.entrySet()) {
            Path path = other.getKey();
            if (path.equals(source) || recursive && path.startsWith(source) || other.getValue().recursive() && source.startsWith(path)) {
                throw new ConfigurationException(where + ": source " + source + " overlaps the source " + path + " of "
                        + other.getValue().file() + "; each file must belong to one route (to ship one directory to two targets,"
                        + " have the application write it twice)");
            }
        }
        sources.put(source, new SourceOwner(where, recursive));
    }

    private record SourceOwner(String file, boolean recursive) {
    }

    private DeliveryRecord repository(Path source) {
        return repositories.computeIfAbsent(source, dir -> {
            Path file = dir.resolve(".ferry").resolve("delivered");
            try {
                return DeliveryRecord.open(file);
            } catch (IOException e) {
                throw new ConfigurationException(where + ": cannot open the delivery record " + file + ": " + e.getMessage()
                        + "; the source directory must be writable");
            }
        });
    }

    private <T> T bind(String name, T bean) {
        context.getRegistry().bind(name, bean);
        return bean;
    }

    private String required(Map<String, Object> parameters, String name) {
        String value = optional(parameters, name);
        if (value == null) {
            throw new ConfigurationException(where + ": parameter '" + name + "' is required");
        }
        return value;
    }

    private String optional(Map<String, Object> parameters, String name) {
        Object raw = parameters.get(name);
        if (raw == null) {
            return null;
        }
        String value = context.resolvePropertyPlaceholders(raw.toString()).trim();
        return value.isEmpty() ? null : value;
    }

    private boolean bool(Map<String, Object> parameters, String name) {
        String value = optional(parameters, name);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new ConfigurationException(where + ": parameter '" + name + "' must be true or false, not '" + value + "'");
    }

    private Path directory(Map<String, Object> parameters, String name, Path fallback) {
        String value = optional(parameters, name);
        return value == null ? fallback : Path.of(value).toAbsolutePath().normalize();
    }

    private long duration(Map<String, Object> parameters, String name, String fallback) {
        String value = optional(parameters, name);
        try {
            long millis = TimeUtils.toMilliSeconds(value == null ? fallback : value);
            if (millis < 0) {
                throw new IllegalArgumentException("negative");
            }
            return millis;
        } catch (RuntimeException e) {
            throw new ConfigurationException(where + ": parameter '" + name + "' must be a duration such as 500ms, 1s or 2m, not '"
                    + value + "'");
        }
    }

    /** {@code *} and {@code ?} match within a name; everything else literally. Camel matches names case-insensitively. */
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
}
