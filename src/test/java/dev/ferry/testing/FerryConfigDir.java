package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A config directory written the way an operator would: application.properties, routes/*.yaml, a password file. */
public final class FerryConfigDir {

    private final Path dir;

    public FerryConfigDir(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("routes"));
        // fast retries and pauses, so failure tests finish in seconds; no HTTP port clashes
        property("ferry.retry.attempts", "3");
        property("ferry.retry.initial-delay", "200ms");
        property("ferry.retry.multiplier", "2");
        property("ferry.backoff.initial-delay", "500ms");
        property("ferry.backoff.max-delay", "3s");
        property("quarkus.http.port", "0");
    }

    public Path path() {
        return dir;
    }

    public FerryConfigDir property(String key, String value) throws IOException {
        Files.writeString(dir.resolve("application.properties"), key + "=" + value + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return this;
    }

    /**
     * Sends the audit trail to a file of its own beside this directory, with the installed configuration's lines
     * (deploy/etc/application.properties) and a path of the test's.
     */
    public AuditLog audit() throws IOException {
        Path file = dir.resolveSibling(dir.getFileName() + "-audit.jsonl");
        for (var entry : AuditLog.handlerAt(file).entrySet()) {
            property(entry.getKey(), entry.getValue());
        }
        return AuditLog.at(file);
    }

    /** A target on localhost, password in a file, trusting the test CA. */
    public FerryConfigDir target(String name, int port, String username, String password) throws IOException {
        Path secret = dir.resolve(name + ".password");
        Files.writeString(secret, password + "\n", StandardCharsets.UTF_8);
        return property("ferry.targets." + name + ".host", "localhost")
                .property("ferry.targets." + name + ".port", String.valueOf(port))
                .property("ferry.targets." + name + ".username", username)
                .property("ferry.targets." + name + ".password-file", secret.toString())
                .property("ferry.targets." + name + ".trust-store", Certificates.localhost().caPem().toString());
    }

    /** routes/ID.yaml instantiating ftps-upload; extra parameters as name, value pairs. */
    public FerryConfigDir route(String id, Path source, String target, String remoteDir, String... extra)
            throws IOException {
        StringBuilder yaml = new StringBuilder()
                .append("- templatedRoute:\n")
                .append("    routeTemplateRef: ftps-upload\n")
                .append("    routeId: ").append(id).append('\n')
                .append("    parameters:\n");
        parameter(yaml, "source", source.toString());
        parameter(yaml, "target", target);
        parameter(yaml, "remoteDir", remoteDir);
        if (!contains(extra, "stableFor")) {
            parameter(yaml, "stableFor", "200ms");
        }
        for (int i = 0; i + 1 < extra.length; i += 2) {
            parameter(yaml, extra[i], extra[i + 1]);
        }
        return routeFile(id + ".yaml", yaml.toString());
    }

    public FerryConfigDir routeFile(String name, String content) throws IOException {
        Files.writeString(dir.resolve("routes").resolve(name), content, StandardCharsets.UTF_8);
        return this;
    }

    private static void parameter(StringBuilder yaml, String name, String value) {
        yaml.append("      - name: ").append(name).append('\n')
                .append("        value: \"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n"))
                .append("\"\n");
    }

    private static boolean contains(String[] pairs, String name) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(name)) {
                return true;
            }
        }
        return false;
    }
}
