package dev.ferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a fault suite counts at its end, file by file against the originals: the files neither on the server nor in
 * the outbox (lost), under their final name with other bytes (corrupted), archived without being on the server.
 */
public record Tally(int lost, int corrupted, int archivedNotDelivered) {

    private static final Pattern OK_UPLOAD = Pattern
            .compile("OK UPLOAD: Client \"[^\"]*\", \"[^\"]*/\\.([^\"/]+)\\.upload\\.ferry-part\"");

    public static Tally of(List<Path> originals, Path remoteDir, Path archive, Path outbox) {
        int lost = 0;
        int corrupted = 0;
        int archivedNotDelivered = 0;
        for (Path original : originals) {
            Path remote = remoteDir.resolve(original.getFileName());
            boolean delivered = TestFiles.sameBytes(original, remote);
            corrupted += Files.exists(remote) && !delivered ? 1 : 0;
            archivedNotDelivered += Files.exists(archive.resolve(original.getFileName())) && !delivered ? 1 : 0;
            lost += !delivered && !TestFiles.sameBytes(original, outbox.resolve(original.getFileName())) ? 1 : 0;
        }
        return new Tally(lost, corrupted, archivedNotDelivered);
    }

    /**
     * Completed STORs per final name, from vsftpd's log ("OK UPLOAD ... /dir/.name.upload.ferry-part"), for a route
     * with the id {@code upload}.
     */
    public static Map<String, Integer> completedUploads(String vsftpdLog) {
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = OK_UPLOAD.matcher(vsftpdLog);
        while (m.find()) {
            counts.merge(m.group(1), 1, Integer::sum);
        }
        return counts;
    }
}
