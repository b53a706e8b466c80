package dev.ferry.ftps;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.ferry.testing.FerryConfigDir;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.TestFiles;
import dev.ferry.testing.RealFtpServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar against the real Debian vsftpd with require_ssl_reuse=YES, on TLS 1.2 and on TLS 1.3. */
class VsftpdIT {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = { "TLSv1.2", "TLSv1.3" })
    void deliversEveryFileOverResumedSessions(String tls) throws Exception {
        String remoteDir = "/it-" + UUID.randomUUID() + "/incoming";
        Path landed = RealFtpServer.HOME.resolve(remoteDir.substring(1));
        Path outbox = Files.createDirectories(tmp.resolve("outbox"));
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        long[] sizes = { 0, 1, 4096, 1024 * 1024, 5 * 1024 * 1024 + 3 };
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            files.add(TestFiles.random(staging.resolve(String.format(i % 2 == 0 ? "report %02d.csv" : "ünïcødé-%02d.bin", i)), sizes[i % sizes.length], i));
        }
        try (RealFtpServer vsftpd = RealFtpServer.start(RealFtpServer.Kind.VSFTPD, tmp.resolve("vsftpd"), tls)) {
            FerryConfigDir config = new FerryConfigDir(tmp.resolve("cfg")).target("vsftpd", vsftpd.port(), RealFtpServer.USER, RealFtpServer.PASSWORD)
                    .route("upload", outbox, "vsftpd", remoteDir);
            try (FerryProcess ferry = FerryProcess.start(config)) {
                for (Path file : files) {
                    Files.copy(file, outbox.resolve(file.getFileName()));
                }
                Path archive = outbox.resolve(".archive").resolve(LocalDate.now().format(DateTimeFormatter.ofPattern("yyyy/MM/dd")));
                await().atMost(Duration.ofMinutes(2)).until(() -> files.stream().allMatch(f -> Files.exists(archive.resolve(f.getFileName()))));
                for (Path file : files) {
                    TestFiles.assertSameBytes(file, landed.resolve(file.getFileName()));
                    TestFiles.assertSameBytes(file, archive.resolve(file.getFileName()));
                }
                assertTrue(ferry.log().contains("TLS session resumed (" + tls + ")"), ferry.log());
                assertFalse(ferry.log().contains("NOT resumed"), ferry.log());
            }
            String log = vsftpd.tlsLog();
            assertFalse(log.contains("session reuse required"), "vsftpd refused a data connection:\n" + log);
            assertTrue(log.contains("OK UPLOAD"), log);
        } finally {
            deleteTree(landed.getParent());
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
