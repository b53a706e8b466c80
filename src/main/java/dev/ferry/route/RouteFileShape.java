package dev.ferry.route;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.runtime.configuration.ConfigurationException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What a route file may hold, checked before Camel reads it: a list of {@code - templatedRoute:} items, each with
 * {@code routeTemplateRef}, a {@code routeId} and {@code parameters}, nothing else. Camel's YAML DSL would also take
 * routes, beans (in Camel's registry, or in a route where they could stand in for Ferry's own), error handlers and
 * other configuration from the same file; a route file only instantiates the template.
 */
final class RouteFileShape {

    private static final Set<String> KEYS = Set.of("routeTemplateRef", "routeId", "parameters");

    private RouteFileShape() {
    }

    /**
     * Throws a {@link ConfigurationException} naming {@code name} and what to change, unless the file is a list of
     * templated routes.
     */
    static void check(String name, Path file) {
        Object loaded;
        try {
            loaded = new Load(LoadSettings.builder().setLabel(name).build())
                    .loadFromString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigurationException(name + ": cannot read it: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigurationException(name + ": not valid YAML: " + oneLine(e.getMessage()));
        }
        if (!(loaded instanceof List<?> items) || items.isEmpty()) {
            throw new ConfigurationException(name + " defines no route: expected a list holding '- templatedRoute:'"
                    + " with routeTemplateRef: " + FtpsUploadTemplate.TEMPLATE_ID + ", a routeId and its parameters");
        }
        for (int i = 0; i < items.size(); i++) {
            String item = name + ": item " + (i + 1);
            if (!(items.get(i) instanceof Map<?, ?> entry) || entry.size() != 1
                    || !(entry.get("templatedRoute") instanceof Map<?, ?> route)) {
                Object key = items.get(i) instanceof Map<?, ?> entry && !entry.isEmpty()
                        ? entry.keySet().iterator().next()
                        : items.get(i);
                throw new ConfigurationException(item + " is '" + oneLine(String.valueOf(key)) + "': a route file only"
                        + " instantiates the template " + FtpsUploadTemplate.TEMPLATE_ID
                        + " ('- templatedRoute:'), with no routes, beans or other configuration of its own");
            }
            for (Object key : route.keySet()) {
                if (!KEYS.contains(key)) {
                    throw new ConfigurationException(item + ": '" + oneLine(String.valueOf(key))
                            + "' is not accepted in a templatedRoute; it sets routeTemplateRef, routeId and parameters"
                            + " only");
                }
            }
            Object template = route.get("routeTemplateRef");
            if (!FtpsUploadTemplate.TEMPLATE_ID.equals(template)) {
                // another name would have Camel look for a template elsewhere (its parameter location: any file)
                String found = template == null
                        ? " has no routeTemplateRef"
                        : ": routeTemplateRef is '" + oneLine(String.valueOf(template)) + "'";
                throw new ConfigurationException(item + found + "; a route file instantiates the template "
                        + FtpsUploadTemplate.TEMPLATE_ID + " only: routeTemplateRef: "
                        + FtpsUploadTemplate.TEMPLATE_ID);
            }
            if (!(route.get("routeId") instanceof String id) || id.isBlank()) {
                throw new ConfigurationException(item + " has no routeId: give each route one (it names the route in"
                        + " every log line, metric and audit record)");
            }
        }
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
