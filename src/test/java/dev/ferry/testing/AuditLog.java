package dev.ferry.testing;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

/**
 * A Ferry process's audit trail, in a file of its own as the installed configuration writes it
 * ({@link FerryConfigDir#audit()}): one JSON object per file outcome. What tests read instead of log text.
 */
public final class AuditLog {

    private final Path file;

    AuditLog(Path file) {
        this.file = file;
    }

    /** The audit trail written to {@code file} (by {@link #handlerAt} or {@link FerryConfigDir#audit()}). */
    public static AuditLog at(Path file) {
        return new AuditLog(file);
    }

    /**
     * The configuration that sends the audit trail to {@code file}: the installed configuration's lines
     * (deploy/etc/application.properties) with a path of the test's.
     */
    public static java.util.Map<String, String> handlerAt(Path file) {
        return java.util.Map.of("quarkus.log.handler.file.\"audit\".enabled", "true",
                "quarkus.log.handler.file.\"audit\".path", file.toString(),
                "quarkus.log.handler.file.\"audit\".format", "%s%n",
                "quarkus.log.handler.file.\"audit\".rotation.rotate-on-boot", "false",
                "quarkus.log.category.\"ferry.audit\".handlers", "audit",
                "quarkus.log.category.\"ferry.audit\".use-parent-handlers", "false");
    }

    public Path file() {
        return file;
    }

    /** Every line so far, parsed; none before the first outcome. */
    public List<JsonObject> lines() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(l -> {
            try (JsonReader reader = Json.createReader(new StringReader(l))) {
                return reader.readObject();
            }
        }).toList();
    }

    /** The lines with this outcome ({@code delivered}, {@code retried}, {@code quarantined}, {@code skipped}). */
    public List<JsonObject> with(String outcome) throws IOException {
        return lines().stream().filter(l -> l.getString("outcome").equals(outcome)).toList();
    }

    /** The lines with this outcome for the local file named {@code name} (its last path element). */
    public List<JsonObject> with(String outcome, String name) throws IOException {
        return with(outcome).stream()
                .filter(l -> Path.of(l.getString("localPath")).getFileName().toString().equals(name)).toList();
    }

    /** The whole file, for assertion messages. */
    @Override
    public String toString() {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(no " + file + " yet)";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
