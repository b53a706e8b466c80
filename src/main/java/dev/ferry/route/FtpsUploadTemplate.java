package dev.ferry.route;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.ferry.config.TargetConfig.UploadMode;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TargetPool;
import dev.ferry.upload.FerryFtpsComponent;
import org.apache.camel.builder.RouteBuilder;

import static dev.ferry.route.RouteParameters.ARCHIVE;
import static dev.ferry.route.RouteParameters.FAILED;
import static dev.ferry.route.RouteParameters.INCLUDE;
import static dev.ferry.route.RouteParameters.RECURSIVE;
import static dev.ferry.route.RouteParameters.REMOTE_DIR;
import static dev.ferry.route.RouteParameters.SOURCE;
import static dev.ferry.route.RouteParameters.STABLE_FOR;
import static dev.ferry.route.RouteParameters.TARGET;

/**
 * The one route template every file in {@code routes/} instantiates, and the one place to read what a route does:
 * poll {@code source}, let {@link Delivery} pick regular files up and skip what was delivered before a crash, upload
 * over FTPS with Ferry's {@link FtpsClient} into {@code remoteDir} under a temporary name, then rename it, record the
 * delivery and archive the file. Files are uploaded side by side, each on one of the target's connections
 * ({@link TargetPool.Share}). {@link FailureHandling} decides what a failure means. In cluster mode (several hosts
 * on one source) {@link Delivery} first claims each file in the database ({@code dev.ferry.cluster.Cluster}), and
 * records its delivery there.
 * <p>
 * A route file sets the parameters of {@link RouteParameters}; {@link RouteFileLoader} checks them, and fills in
 * what comes from the target ({@link #fromTarget}): its address, its timeouts and its upload mode. The route's own
 * objects (its gate, pickup filter, upload threads, connections and delivery) are {@link UploadRoute}'s, bound to the
 * route alone.
 */
@ApplicationScoped
public class FtpsUploadTemplate extends RouteBuilder {

    public static final String TEMPLATE_ID = "ftps-upload";
    private static final String HOST = "host";
    private static final String PORT = "port";
    private static final String CONNECT_TIMEOUT = "connectTimeout";
    private static final String DATA_TIMEOUT = "dataTimeout";
    private static final String TEMP_FILE_NAME = "tempFileName";
    private static final String FILE_EXIST = "fileExist";
    private static final String PER_POLL = "perPoll";
    /** Files a poll hands over at most: one host alone works through a backlog a thousand at a time. */
    private static final int PER_POLL_ALONE = 1000;
    /**
     * In cluster mode ten per connection of the target, and the next poll follows at once while files come
     * ({@code greedy}): a poll ends soon, so that a file whose claim ended with its host (among the oldest, as polls
     * go oldest first) is taken over by the next poll of another host, not after a thousand others.
     */
    private static final int PER_POLL_CLUSTER_PER_CONNECTION = 10;
    private static final String GREEDY = "greedy";
    private static final String EAGER = "eager";

    @Override
    public void configure() {
        // @formatter:off (the route's structure is in its indentation)
        routeTemplate(TEMPLATE_ID)
                .templateParameter(SOURCE, null, "Local directory to pick files up from")
                .templateParameter(TARGET, null, "Name of a target (ferry.targets.<name>)")
                .templateParameter(REMOTE_DIR, null,
                        "Remote directory, absolute or relative to the login directory; created when missing")
                .templateParameter(INCLUDE, "*", "File-name glob, e.g. *.csv")
                .templateParameter(RECURSIVE, "false", "true: also pick up files in subdirectories")
                .templateOptionalParameter(ARCHIVE, "Where delivered files go; default <source>/.archive")
                .templateOptionalParameter(FAILED, "Where files that failed every attempt go; default <source>/.failed")
                .templateParameter(STABLE_FOR, RouteParameters.DEFAULT_STABLE_FOR,
                        "How long a file must be unchanged before pickup")
                // set by Ferry from the route's parameters and its target (fromTarget), never by a route file:
                // optional to Camel, which checks mandatory parameters before Ferry's converter adds them
                .templateOptionalParameter(HOST, "ferry.targets.<target>.host")
                .templateOptionalParameter(PORT, "ferry.targets.<target>.port")
                .templateOptionalParameter(CONNECT_TIMEOUT, "ferry.targets.<target>.connect-timeout, in ms")
                .templateOptionalParameter(DATA_TIMEOUT, "ferry.targets.<target>.data-timeout, in ms")
                .templateOptionalParameter(TEMP_FILE_NAME,
                        "The temporary name in temp-rename upload mode (TemporaryName); absent in direct mode")
                .templateOptionalParameter(FILE_EXIST, "TryRename (temp-rename upload mode) or Override (direct)")
                .templateOptionalParameter(PER_POLL,
                        "Files a poll hands over at most: 1000, or in cluster mode ten per connection of the target")
                .templateOptionalParameter(GREEDY, "true in cluster mode: the next poll follows at once while files come")
                .templateOptionalParameter(EAGER,
                        "true: the limit applies as the directory is read; false (cluster mode): all is read and sorted")
                // the route's own beans ({{delivery}}, {{gate}}, {{pickup}}, {{readLock}}, {{order}}, {{workers}},
                // {{connections}}) are bound to each route by the loader, once Camel has given it its id
                // (UploadRoute.bindTo)
                // Ferry moves each file itself (to the archive or the failed directory): Camel neither moves nor
                // remembers it. The pickup filter takes regular files that match include and have been unchanged
                // for stableFor (in ms, as the loader writes it); Camel's read lock checks that again just before
                // the upload (readLock=changed, readLockMinAge=stableFor, readLockCheckInterval=100,
                // readLockTimeout=10000, no marker file: Pickup.readLock, which also passes a file dated in the future
                // that the filter saw unchanged for stableFor). While the target is paused (or, in cluster mode, the
                // database cannot be used), the gate keeps the route from polling. A poll hands over at most 1,000
                // files, the oldest of the first thousand it reads (a backlog of 100,000 is taken a thousand at a
                // time, in flat memory), every 200 ms (a listing of an idle directory costs next to nothing; a file
                // waits less). In cluster mode a poll reads and sorts the whole directory, hands over the oldest ten
                // per connection, and the next follows at once while files come; within one second of modification
                // time each host takes them in an order of its own (PollOrder), so that hosts do not race for a batch
                // dropped at once.
                .from("file:{{source}}?noop=true&idempotent=false&recursive={{recursive}}&sorter=#{{order}}"
                        + "&maxMessagesPerPoll={{perPoll}}&eagerMaxMessagesPerPoll={{eager}}&delay=200&greedy={{greedy}}"
                        + "&filter=#{{pickup}}&pollStrategy=#{{gate}}"
                        + "&exclusiveReadLockStrategy=#{{readLock}}")
                    .routeConfigurationId(FailureHandling.CONFIGURATION_ID)
                    // the poll hands each file to one of the route's upload threads, one per connection the target
                    // has, and waits while as many are queued: one connection keeps the files in order
                    .threads().executorService("{{workers}}")
                    // in cluster mode, the file is claimed in the database first: another host's is left alone
                    .bean("{{delivery}}", "beforeUpload")
                    .filter(exchangeProperty(Delivery.NOT_SENT).isNull())
                        // camel-ftp's ftps producer on one of the route's connections at a time (FerryFtpsComponent).
                        // The route decides about retries: Camel must not reconnect behind its back. Paths go whole
                        // in each command (stepwise=false), not by a CWD per level. The temporary name (absent when
                        // the target uploads directly) is a dot-name in the same directory, renamed without an
                        // existence check (RNTO replaces)
                        .to(FerryFtpsComponent.SCHEME + ":{{host}}:{{port}}?connections=#{{connections}}"
                                + "&passiveMode=true&binary=true&autoCreate=true&stepwise=false"
                                + "&maximumReconnectAttempts=0&throwExceptionOnConnectFailed=true"
                                + "&connectTimeout={{connectTimeout}}&soTimeout={{dataTimeout}}&timeout={{dataTimeout}}"
                                + "&tempFileName={{?tempFileName}}&fileExist={{fileExist}}")
                        .bean("{{delivery}}", "uploaded")
                    .end()
                    .bean("{{delivery}}", "archive");
        // @formatter:on
    }

    /**
     * The template's values a route file does not set: the route's own parameters as {@link RouteParameters} read
     * them (absolute source, {@code stableFor} in ms), and what comes from its target.
     */
    static Map<String, Object> fromTarget(RouteParameters route, Target target, boolean cluster) {
        Map<String, Object> values = new HashMap<>();
        values.put(PER_POLL,
                String.valueOf(cluster ? PER_POLL_CLUSTER_PER_CONNECTION * target.maxConnections() : PER_POLL_ALONE));
        values.put(GREEDY, String.valueOf(cluster));
        // one host stops reading a directory at the limit (flat memory, whatever the backlog); in cluster mode every
        // file is read and sorted first, so that the oldest (one a dead host left) come first
        values.put(EAGER, String.valueOf(!cluster));
        values.put(SOURCE, route.source().toString());
        values.put(RECURSIVE, String.valueOf(route.recursive()));
        values.put(STABLE_FOR, String.valueOf(route.stableFor().toMillis()));
        values.put(HOST, target.host());
        values.put(PORT, String.valueOf(target.port()));
        values.put(CONNECT_TIMEOUT, String.valueOf(target.connectTimeout().toMillis()));
        values.put(DATA_TIMEOUT, String.valueOf(target.dataTimeout().toMillis()));
        if (target.uploadMode() == UploadMode.TEMP_RENAME) {
            values.put(TEMP_FILE_NAME, "${header." + Delivery.TEMP_NAME + "}");
            values.put(FILE_EXIST, "TryRename");
        } else {
            values.put(FILE_EXIST, "Override");
        }
        return values;
    }
}
