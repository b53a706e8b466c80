package dev.ferry.ftps;

import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Singleton;

import dev.ferry.config.FerryConfig;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The configured targets, each checked once at start-up; routes look theirs up by name. */
@Singleton
public class Targets {

    private final FerryConfig config;
    private Map<String, Target> targets;

    public Targets(FerryConfig config) {
        this.config = config;
    }

    /** Checks every target, failing start-up with a message naming the key at fault. */
    public synchronized Map<String, Target> all() {
        if (targets == null) {
            Map<String, Target> checked = new TreeMap<>();
            config.targets().forEach((name, target) -> checked.put(name, Target.of(name, target)));
            targets = checked;
        }
        return targets;
    }

    public Target get(String name, String where) {
        Target target = all().get(name);
        if (target == null) {
            throw new ConfigurationException(where + ": unknown target '" + name + "'; "
                    + (all().isEmpty()
                            ? "no target is configured: add ferry.targets." + name
                                    + ".host (and username, password-file) to application.properties"
                            : "configured targets: " + String.join(", ", all().keySet())));
        }
        return target;
    }
}
