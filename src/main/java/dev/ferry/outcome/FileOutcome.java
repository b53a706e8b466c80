package dev.ferry.outcome;

import java.time.Instant;

/**
 * What happened to one file, as the audit trail writes it and the metrics count it. Fields a kind of outcome does not
 * have are {@code null}: a file skipped before any upload has no SHA-256, a failure before the data connection no TLS
 * version.
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
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The audit trail's line: one JSON object, keys in a fixed order, absent values left out. */
    public String toJson() {
        Json json = new Json();
        json.add("time", time.toString());
        json.add("outcome", outcome.label());
        json.add("route", route);
        json.add("target", target);
        json.add("localPath", localPath);
        json.add("remotePath", remotePath);
        json.addNumber("size", size);
        json.add("sha256", sha256);
        json.addNumber("durationMs", durationMs);
        json.addNumber("attempts", attempts);
        json.add("tlsVersion", tlsVersion);
        if (resumed != null) {
            json.addLiteral("resumed", resumed.toString());
        }
        json.add("lastReply", lastReply);
        json.add("reason", reason);
        return json.end();
    }

    /** A one-line JSON object; strings escaped so that no file name or server reply can split or forge a line. */
    private static final class Json {

        private final StringBuilder out = new StringBuilder(256).append('{');

        void add(String key, String value) {
            if (value != null) {
                key(key);
                string(value);
            }
        }

        void addNumber(String key, Number value) {
            if (value != null) {
                addLiteral(key, value.toString());
            }
        }

        void addLiteral(String key, String literal) {
            key(key);
            out.append(literal);
        }

        String end() {
            return out.append('}').toString();
        }

        private void key(String key) {
            if (out.length() > 1) {
                out.append(',');
            }
            string(key);
            out.append(':');
        }

        private void string(String value) {
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        // other control characters (C0, DEL, C1 with NEL), and the separators some readers take
                        // for line breaks
                        if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029') {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
