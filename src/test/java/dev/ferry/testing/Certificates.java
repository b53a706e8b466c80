package dev.ferry.testing;

import java.io.IOException;
import java.nio.file.Path;

import dev.ferry.demo.TestCertificates;

/** One CA and server certificate (localhost, 127.0.0.1, 127.0.0.3) per build, generated at test time under target/. */
public final class Certificates {

    private static TestCertificates shared;

    private Certificates() {
    }

    public static synchronized TestCertificates localhost() throws IOException {
        if (shared == null) {
            // 127.0.0.3 is where the fault-injecting proxy of the cuts-and-stalls suite listens
            shared = TestCertificates.in(Path.of("target", "test-certs", "localhost").toAbsolutePath(),
                    "dns:localhost", "ip:127.0.0.1", "ip:127.0.0.3");
        }
        return shared;
    }

    /** A CA of its own and a certificate for {@code name} only. */
    public static TestCertificates named(String name) throws IOException {
        return TestCertificates.in(Path.of("target", "test-certs", name).toAbsolutePath(), "dns:" + name);
    }

    /** A second, unrelated CA whose certificate a client trusting only {@link #localhost()} must refuse. */
    public static TestCertificates otherCa() throws IOException {
        return TestCertificates.in(Path.of("target", "test-certs", "other-ca").toAbsolutePath());
    }
}
