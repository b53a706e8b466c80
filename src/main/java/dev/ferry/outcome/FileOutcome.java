package dev.ferry.outcome;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * What happened to one file, as the audit trail writes it and the metrics count it. Made by name with
 * {@link #of(Outcome, String, String, String)}; what a kind of outcome does not have stays {@code null}: a file
 * skipped before any upload has no SHA-256, a failure before the data connection no TLS version.
 *
 * @param time       when the outcome was settled
 * @param outcome    what happened
 * @param route      the route's id (its route file's name)
 * @param target     the target's name
 * @param localPath  the file as it was found in the source (it has been moved since, unless retried)
 * @param remotePath where it was (or was to be) stored: the route's remote directory and the relative path
 * @param size       bytes sent, or the file's size when nothing was sent
 * @param sha256     hex SHA-256 of the bytes sent, computed while they were streamed
 * @param durationMs from pickup to this outcome, attempts and delays between them included
 * @param attempts   upload attempts made so far (0: none was made)
 * @param tlsVersion TLS version of the last data connection
 * @param resumed    whether that data connection resumed the control connection's TLS session
 * @param lastReply  the server's last reply
 * @param reason     why, for anything but a delivery
 */
public record FileOutcome(Instant time, Outcome outcome, String route, String target, String localPath,
        String remotePath, Long size, String sha256, long durationMs, int attempts, String tlsVersion,
        Boolean resumed, String lastReply, String reason) {

    private static final JsonFactory JSON = new JsonFactoryBuilder().characterEscapes(new LineSafeEscapes()).build();

    /** The kinds of outcome; their names, in lower case, are the audit trail's {@code outcome} values. */
    public enum Outcome {

        /** Uploaded, size-checked and renamed into place; archived (or held for the archive) next. */
        DELIVERED,
        /** An attempt failed; another follows after the retry delay. */
        RETRIED,
        /** Every attempt failed, or the name may not be sent: moved to the failed directory with a report. */
        QUARANTINED,
        /** Not sent: already delivered before a restart (archived now), or left in the source for a stated reason. */
        SKIPPED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An outcome of {@code localPath} settled now; the builder's other fields are optional. */
    public static Builder of(Outcome outcome, String route, String target, String localPath) {
        return new Builder(outcome, route, target, localPath);
    }

    /** The audit trail's line: one JSON object, keys in a fixed order, absent values left out. */
    public String toJson() {
        return toJson(null);
    }

    /** The audit trail's line of a host in cluster mode: {@code host} follows {@code target}. */
    public String toJson(String host) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", time.toString());
            json.writeStringField("outcome", outcome.label());
            writeIfPresent(json, "route", route);
            writeIfPresent(json, "target", target);
            writeIfPresent(json, "host", host);
            writeIfPresent(json, "localPath", localPath);
            writeIfPresent(json, "remotePath", remotePath);
            if (size != null) {
                json.writeNumberField("size", size);
            }
            writeIfPresent(json, "sha256", sha256);
            json.writeNumberField("durationMs", durationMs);
            json.writeNumberField("attempts", attempts);
            writeIfPresent(json, "tlsVersion", tlsVersion);
            if (resumed != null) {
                json.writeBooleanField("resumed", resumed);
            }
            writeIfPresent(json, "lastReply", lastReply);
            writeIfPresent(json, "reason", reason);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void writeIfPresent(JsonGenerator json, String key, String value) throws IOException {
        if (value != null) {
            json.writeStringField(key, value);
        }
    }

    /** Builds a {@link FileOutcome} field by field. */
    public static final class Builder {

        private final Outcome outcome;
        private final String route;
        private final String target;
        private final String localPath;
        private String remotePath;
        private Long size;
        private String sha256;
        private long durationMs;
        private int attempts;
        private String tlsVersion;
        private Boolean resumed;
        private String lastReply;
        private String reason;

        private Builder(Outcome outcome, String route, String target, String localPath) {
            this.outcome = outcome;
            this.route = route;
            this.target = target;
            this.localPath = localPath;
        }

        public Builder remotePath(String remotePath) {
            this.remotePath = remotePath;
            return this;
        }

        public Builder size(Long size) {
            this.size = size;
            return this;
        }

        public Builder sha256(String sha256) {
            this.sha256 = sha256;
            return this;
        }

        public Builder durationMs(long durationMs) {
            this.durationMs = durationMs;
            return this;
        }

        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        /** The last data connection's TLS version and whether it resumed the control connection's session. */
        public Builder tls(String tlsVersion, Boolean resumed) {
            this.tlsVersion = tlsVersion;
            this.resumed = resumed;
            return this;
        }

        public Builder lastReply(String lastReply) {
            this.lastReply = lastReply;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public FileOutcome build() {
            return new FileOutcome(Instant.now(), outcome, route, target, localPath, remotePath, size, sha256,
                    durationMs, attempts, tlsVersion, resumed, lastReply, reason);
        }
    }

    /**
     * JSON's own escapes, plus DEL, the C1 controls (NEL among them) and the line and paragraph separators, which
     * some readers take for line breaks: no file name or server reply can split or forge an audit line.
     */
    private static final class LineSafeEscapes extends CharacterEscapes {

        private final int[] ascii = standardAsciiEscapesForJSON();

        LineSafeEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() { return ascii; }

        @Override
        public SerializableString getEscapeSequence(int c) {
            if (c >= 0x80 && c <= 0x9f || c == '\u2028' || c == '\u2029') {
                return new SerializedString(String.format("\\u%04X", c));
            }
            return null;
        }
    }
}
