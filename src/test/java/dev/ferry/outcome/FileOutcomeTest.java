package dev.ferry.outcome;

import java.io.StringReader;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import dev.ferry.outcome.FileOutcome.Outcome;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit trail's line for one outcome: what a reader of the JSON gets back, and what cannot split the line. */
class FileOutcomeTest {

    @Test
    void aDeliveryIsOneLineWithItsFieldsInOrder() {
        String json = FileOutcome.of(Outcome.DELIVERED, "upload", "transfer", "/srv/outbox/a.csv")
                .remotePath("/incoming/a.csv").size(4096L).sha256("ab12").durationMs(35).attempts(1)
                .tls("TLSv1.2", true).lastReply("213 4096").build().toJson();

        JsonObject line = parse(json);
        assertEquals(List.of("time", "outcome", "route", "target", "localPath", "remotePath", "size", "sha256",
                "durationMs", "attempts", "tlsVersion", "resumed", "lastReply"), List.copyOf(line.keySet()), json);
        assertEquals("delivered", line.getString("outcome"));
        assertEquals(4096, line.getJsonNumber("size").longValue());
        assertTrue(line.getBoolean("resumed"));
        assertEquals("213 4096", line.getString("lastReply"));
    }

    @Test
    void whatAnOutcomeDoesNotHaveIsLeftOut() {
        String json = FileOutcome.of(Outcome.SKIPPED, "upload", "transfer", "/srv/outbox/b.csv")
                .reason("not a regular file").build().toJson();

        JsonObject line = parse(json);
        assertEquals(List.of("time", "outcome", "route", "target", "localPath", "durationMs", "attempts", "reason"),
                List.copyOf(line.keySet()), json);
        assertEquals(0, line.getInt("attempts"));
    }

    @Test
    void noNameOrReplyCanSplitTheLine() {
        String name = "/srv/outbox/a\n{\"outcome\":\"delivered\"}\r\u0085\u2028\u2029\u007f\u0000\t\\\"日本.csv";
        String reply = "550 no\nsuch\u0085file";
        String json = FileOutcome.of(Outcome.QUARANTINED, "upload", "transfer", name).lastReply(reply)
                .reason("because").build().toJson();

        for (char c : new char[]{'\n', '\r', '\u0085', '\u2028', '\u2029', '\u007f', '\u0000', '\t'}) {
            assertFalse(json.indexOf(c) >= 0, "raw U+" + Integer.toHexString(c) + " in " + json);
        }
        assertTrue(json.contains("日本"), "other characters as they are: " + json);
        JsonObject line = parse(json);
        assertEquals(name, line.getString("localPath"));
        assertEquals(reply, line.getString("lastReply"));
        assertEquals("quarantined", line.getString("outcome"));
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
