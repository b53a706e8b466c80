package dev.ferry.route;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.ferry.config.FerryConfig;
import dev.ferry.ftps.Causes;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.Targets;
import dev.ferry.upload.FerryFtpsComponent;
import dev.ferry.upload.FerryFtpsEndpoint;
import io.quarkus.runtime.configuration.ConfigurationException;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.RemoteFileEndpoint;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code routes/*.yaml} from the config directory one file at a time, after the route template exists and
 * before anything polls, so every problem is reported with the file it is in. Camel's own include pattern would
 * start with zero routes on an empty or mistyped directory and keep one of two routes with the same id.
 */
@ApplicationScoped
public class RouteFileLoader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileLoader.class);

    private final FerryConfig config;
    private final Targets targets;
    private final Routes routes;

    public RouteFileLoader(FerryConfig config, Targets targets, Routes routes) {
        this.config = config;
        this.targets = targets;
        this.routes = routes;
    }

    void load(@Observes AfterConfigure event) throws Exception {
        CamelContext context = event.getMain().getCamelContext();
        Path dir = config.configDir().toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("application.properties"))) {
            throw new ConfigurationException("No application.properties in the config directory " + dir
                    + ": set FERRY_CONFIG_DIR to the directory holding application.properties and routes/");
        }
        targets.all();
        Path routesDir = dir.resolve("routes");
        if (!Files.isDirectory(routesDir)) {
            throw new ConfigurationException(
                    "No routes directory " + routesDir + ": create it with one .yaml file per route"
                            + " (see README.md, 'Route files')");
        }
        List<Path> files = routeFiles(routesDir);
        if (files.isEmpty()) {
            throw new ConfigurationException(routesDir + " holds no .yaml route file: Ferry would have nothing to do."
                    + " Add one per source directory (see README.md, 'Route files')");
        }

        Encoding.warnIfNotUtf8();
        context.getTypeConverterRegistry().addTypeConverter(InputStream.class, LocalFile.class, LocalFile.CONVERTER);
        if (context.hasComponent(FerryFtpsComponent.SCHEME) == null) {
            context.addComponent(FerryFtpsComponent.SCHEME, new FerryFtpsComponent());
        }
        context.getCamelContextExtension().registerEndpointCallback(RouteFileLoader::onlyFerrysClient);
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        SourceChecks checks = new SourceChecks();
        Map<String, String> ids = new HashMap<>();
        for (Path file : files) {
            String name = dir.relativize(file).toString();
            RouteFileShape.check(name, file);
            Map<RouteDefinition, Checked> made = new IdentityHashMap<>();
            // checks each route of this file as Camel makes it from the template, before anything polls
            model.addRouteTemplateDefinitionConverter(FtpsUploadTemplate.TEMPLATE_ID, (template, parameters) -> {
                RouteParameters route = RouteParameters.parse(name, parameters, context::resolvePropertyPlaceholders);
                checks.check(name, route);
                Target target = targets.get(route.target(), name + ": parameter target");
                parameters.putAll(FtpsUploadTemplate.fromTarget(route, target, config.cluster().enabled()));
                RouteDefinition definition = RouteTemplateDefinition.Converter.DEFAULT_CONVERTER.apply(template,
                        parameters);
                made.put(definition, new Checked(route, target));
                return definition;
            });
            Set<RouteDefinition> before = Collections.newSetFromMap(new IdentityHashMap<>());
            before.addAll(model.getRouteDefinitions());
            try {
                Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
                PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            } catch (ConfigurationException e) {
                throw e;
            } catch (Exception e) {
                throw new ConfigurationException(name + ": " + rootMessage(e));
            }
            // at least one: RouteFileShape accepted nothing else
            List<RouteDefinition> added = new ArrayList<>(model.getRouteDefinitions());
            added.removeIf(before::contains);
            for (RouteDefinition route : made.keySet()) {
                if (!added.contains(route)) {
                    throw new ConfigurationException(name + ": routeId '" + route.getRouteId()
                            + "' is used twice in this file; give each route its own routeId");
                }
            }
            for (RouteDefinition route : added) {
                Checked checked = made.get(route);
                if (checked == null) {
                    // RouteFileShape lets through templated routes of ftps-upload only; should Camel add another
                    // route all the same, it is refused here rather than run unchecked
                    throw new ConfigurationException(name + ": route " + route.getRouteId()
                            + " is not made from the template " + FtpsUploadTemplate.TEMPLATE_ID
                            + "; route files only instantiate it (templatedRoute)");
                }
                String other = ids.putIfAbsent(route.getRouteId(), name);
                if (other != null) {
                    throw new ConfigurationException(
                            name + ": routeId '" + route.getRouteId() + "' is already used by " + other
                                    + "; give each route its own routeId");
                }
                RouteParameters parameters = checked.parameters();
                routes.add(route.getRouteId(), name, parameters, checked.target()).bindTo(route);
                LOG.info("{}: route {} ships {}{}{} to {}:{}", name, route.getRouteId(), parameters.source(),
                        parameters.recursive() ? " (and below)" : "",
                        parameters.include() == null
                                ? ""
                                : " (matching " + route.getTemplateParameters().get(RouteParameters.INCLUDE) + ")",
                        parameters.target(), parameters.remoteDir());
            }
        }
    }

    /** A route's parameters as checked when Camel made it from the template, and its target. */
    private record Checked(RouteParameters parameters, Target target) {
    }

    /**
     * Fails closed: an FTP endpoint that would not use Ferry's client (whose trust, host-name and session-reuse checks
     * are the point; Camel's stock FTPS client checks certificate dates only) is refused before it can connect.
     */
    static Endpoint onlyFerrysClient(String uri, Endpoint endpoint) {
        if (endpoint instanceof RemoteFileEndpoint<?>
                && !(endpoint instanceof FerryFtpsEndpoint)) {
            throw new IllegalStateException(
                    "Refusing the endpoint " + URISupport.sanitizeUri(uri) + ": Ferry connects to servers with its"
                            + " own FTPS client only");
        }
        return endpoint;
    }

    private static List<Path> routeFiles(Path routes) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(routes, "*.{yaml,yml}")) {
            stream.forEach(files::add);
        }
        files.removeIf(file -> file.getFileName().toString().startsWith("."));
        files.sort(null);
        return files;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = Causes.root(e);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : message + " (" + e.getMessage() + ")";
    }
}
