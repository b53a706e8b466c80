package dev.ferry.cli;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import dev.ferry.cluster.Cluster;
import dev.ferry.cluster.DatabaseProbe;
import dev.ferry.config.FerryConfig;
import dev.ferry.ftps.Causes;
import dev.ferry.ftps.Names;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.Targets;
import dev.ferry.route.RouteParameters;
import dev.ferry.route.Routes;
import dev.ferry.route.UploadRoute;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.apache.camel.quarkus.core.CamelRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ferry's entry point: {@code ferry} runs the service; {@code ferry validate} and {@code ferry check} load the same
 * configuration and route files with the same checks, but start no route and bind no port, so they can run beside
 * the service. See {@link Command} for the command line and the exit statuses.
 */
@QuarkusMain
public class FerryMain implements QuarkusApplication {

    private static final Logger LOG = LoggerFactory.getLogger(FerryMain.class);

    @Inject
    FerryConfig config;

    @Inject
    Targets targets;

    @Inject
    Routes routes;

    @Inject
    Cluster cluster;

    @Inject
    CamelRuntime camel;

    public static void main(String... args) {
        Command command;
        try {
            command = Command.parse(args);
        } catch (Command.UsageException e) {
            System.err.println("ferry: " + e.getMessage());
            System.err.println(Command.USAGE);
            System.exit(Command.USAGE_ERROR);
            return;
        }
        if (command.mode() == Command.Mode.HELP) {
            System.out.println(Command.USAGE);
            return;
        }
        if (command.mode() != Command.Mode.RUN) {
            // read before the configuration is: the routes are made and checked, none is started; no HTTP port is
            // taken from a running service; only warnings and errors are logged, as short lines
            System.setProperty("camel.main.auto-startup", "false");
            System.setProperty("quarkus.http.port", "0");
            System.setProperty("quarkus.log.level", "WARN");
            System.setProperty("quarkus.log.console.format", "%-5p %s%e%n");
        }
        Quarkus.run(FerryMain.class, args);
    }

    /**
     * With a main class of its own, Camel Quarkus leaves starting Camel to it: the route files are loaded (and
     * checked) here, the routes started unless this is {@code validate} or {@code check}.
     */
    @Override
    public int run(String... args) throws Exception {
        Command command = Command.parse(args);
        try {
            camel.start(args);
        } catch (RuntimeException e) {
            Optional<ConfigurationException> bad = Causes.find(e, ConfigurationException.class);
            if (bad.isPresent()) {
                // as Quarkus reports a bad key: the message alone, which names the file or key and what to do
                LOG.error("{}", bad.get().getMessage());
            } else {
                LOG.error("Ferry could not start", e);
            }
            return Command.CONFIGURATION_ERROR;
        }
        routes.started(command.mode() == Command.Mode.RUN);
        return switch (command.mode()) {
            case VALIDATE -> validate();
            case CHECK -> check(command);
            default -> camel.waitForExit();
        };
    }

    /** Reached only when everything loaded: start-up has already refused any bad key or route file. */
    private int validate() {
        Map<String, Target> all = targets.all();
        List<UploadRoute> loaded = routes.routes();
        System.out.printf("Configuration in %s is valid: %d target%s, %d route%s%n",
                config.configDir().toAbsolutePath().normalize(), all.size(), all.size() == 1 ? "" : "s",
                loaded.size(), loaded.size() == 1 ? "" : "s");
        Set<String> used = new TreeSet<>();
        for (UploadRoute route : loaded) {
            RouteParameters parameters = route.parameters();
            used.add(parameters.target());
            System.out.printf("  route %s (%s): %s%s -> %s:%s, archive %s, failed %s%n", route.id(), route.file(),
                    parameters.source(), parameters.recursive() ? " (and below)" : "", parameters.target(),
                    parameters.remoteDir(), parameters.archive(), parameters.failed());
        }
        for (Target target : all.values()) {
            System.out.printf("  target %s: %s as '%s', up to %d connection%s%s%n", target.name(), target.address(),
                    target.username(), target.maxConnections(), target.maxConnections() == 1 ? "" : "s",
                    used.contains(target.name()) ? "" : " (no route ships to it)");
        }
        return Command.OK;
    }

    private int check(Command command) {
        Map<String, Target> all = targets.all();
        if (all.isEmpty()) {
            System.out.println("No target is configured: add ferry.targets.<name>.host (and username, password-file)"
                    + " to application.properties");
            return Command.CONFIGURATION_ERROR;
        }
        List<Target> chosen;
        if (command.target() == null) {
            chosen = List.copyOf(all.values());
        } else if (all.containsKey(command.target())) {
            chosen = List.of(all.get(command.target()));
        } else {
            System.err.println("ferry check: unknown target '" + command.target() + "'; configured targets: "
                    + String.join(", ", all.keySet()));
            return Command.USAGE_ERROR;
        }
        TargetCheck check = new TargetCheck(System.out);
        boolean passed = checkDatabase();
        for (Target target : chosen) {
            List<UploadRoute> shipping = routes.routes().stream()
                    .filter(route -> route.parameters().target().equals(target.name())).collect(Collectors.toList());
            passed &= check.run(target, shipping, command.write());
        }
        return passed ? Command.OK : Command.CHECK_FAILED;
    }

    /** Cluster mode: the claims' database is part of delivering, so {@code check} connects to it too. */
    private boolean checkDatabase() {
        if (!cluster.enabled()) {
            return true;
        }
        System.out.printf("Checking the database (cluster mode, this host: %s)%n", cluster.host());
        Steps steps = new Steps(System.out);
        long start = System.nanoTime();
        try {
            steps.line("ok", "database", DatabaseProbe.probe(cluster) + " (" + Steps.since(start) + ")");
            System.out.println("database: OK");
            return true;
        } catch (SQLException | RuntimeException e) {
            steps.line("FAIL", "database", "cannot use the database: " + Names.printable(String.valueOf(
                    e.getMessage())) + ". Check quarkus.datasource.jdbc.url, quarkus.datasource.username and"
                    + " ferry.cluster.password-file, and that this host may reach the database");
            System.out.println("database: FAILED");
            return false;
        }
    }
}
