package dev.ferry.route;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.ferry.ftps.Names;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.support.TypeConverterSupport;

/**
 * The body of an exchange on its way to the server: each upload attempt opens the file afresh through
 * {@link #CONVERTER} (Camel asks for an {@code InputStream}), and the stream fails the attempt, before the server is
 * told the upload is complete and so before any rename, when the file changed while it was read: another size, or
 * another modification or status-change time (a rewrite of the same size). The next attempt sends it as it is then.
 * The SHA-256 of the bytes sent is computed as they are read, for the audit trail: the file is never read twice.
 */
final class LocalFile {

    /** Registered with Camel: a {@code LocalFile} body is read through a {@link Checked} stream. */
    static final TypeConverterSupport CONVERTER = new TypeConverterSupport() {

        @Override
        public <T> T convertTo(Class<T> type, Exchange exchange, Object value) throws TypeConversionException {
            if (type != InputStream.class || !(value instanceof LocalFile file)) {
                return null;
            }
            try {
                return type.cast(file.open());
            } catch (IOException e) {
                throw new TypeConversionException(value, type, e);
            }
        }
    };

    private final Path path;
    private final String name;
    private volatile FileState sent;
    private volatile String sha256;
    private final Runnable progress;
    private final Guard guard;

    /** Asked as an upload opens the file, before each block it reads, and at its end. */
    @FunctionalInterface
    interface Guard {

        /**
         * Throws when the upload must not go on (cluster mode: this host no longer surely holds the file, or opens
         * another version than it claimed). {@code opening}: the version as the upload opens it; {@code null} after.
         */
        void check(FileState opening) throws IOException;
    }

    /**
     * {@code progress} is told of every block read, for the route's {@link PollWatch}; {@code guard} may stop an
     * upload.
     */
    LocalFile(Path path, String name, Runnable progress, Guard guard) {
        this.path = path;
        this.name = name;
        this.progress = progress;
        this.guard = guard;
    }

    /** The state of the file as the last complete upload read it, or {@code null} before one. */
    FileState sent() {
        return sent;
    }

    /** Hex SHA-256 of what the last complete upload read, or {@code null} before one. */
    String sha256() {
        return sha256;
    }

    /**
     * Whether the file at its path now holds exactly the bytes the last complete upload sent (same size and SHA-256),
     * whatever its metadata: read once more, only when its version changed after the upload.
     */
    boolean holdsWhatWasSent() throws IOException {
        FileState state = sent;
        String expected = sha256;
        if (state == null || expected == null || Files.size(path) != state.size()) {
            return false;
        }
        MessageDigest digest = sha256Digest();
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1;) {
                digest.update(buffer, 0, n);
                progress.run();
            }
        }
        return expected.equals(HexFormat.of().formatHex(digest.digest()));
    }

    private InputStream open() throws IOException {
        FileState opened = FileState.of(path);
        guard.check(opened);
        // no link followed: the file checked at pickup, not whatever a link put in its place meanwhile
        return new Checked(Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS), opened);
    }

    @Override
    public String toString() {
        return Names.printable(name);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Thrown by the stream: the file changed while it was being uploaded. */
    static final class ChangedException extends IOException {

        ChangedException(String message) {
            super(message);
        }
    }

    private final class Checked extends FilterInputStream {

        private final FileState opened;
        private final MessageDigest digest;
        private long read;
        private boolean ended;

        Checked(InputStream in, FileState opened) {
            super(in);
            this.opened = opened;
            this.digest = sha256Digest();
        }

        /** Reads through, so that the digest sees every byte (FTP clients do not skip; this keeps it so if one did). */
        @Override
        public long skip(long n) throws IOException {
            byte[] discard = new byte[(int) Math.min(8192, Math.max(0, n))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(discard, 0, (int) Math.min(discard.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n >= 0) {
                read += n;
                if (read > opened.size()) {
                    throw changed("grew past the " + opened.size() + " bytes it had when this attempt started");
                }
                digest.update(buffer, offset, n);
                progress.run();
                guard.check(null);
                return n;
            }
            FileState now = FileState.of(path);
            if (read != opened.size() || !now.equals(opened)) {
                throw changed(read != opened.size()
                        ? "has " + read + " bytes where it had " + opened.size()
                        : "was rewritten (modification or status-change time differs)");
            }
            // the last check before the server is told the upload is complete
            guard.check(null);
            if (!ended) {
                // a second read at the end must not replace the digest with that of nothing
                ended = true;
                sha256 = HexFormat.of().formatHex(digest.digest());
                sent = opened;
            }
            return n;
        }

        private ChangedException changed(String how) {
            return new ChangedException(Names.printable(name) + " changed during its upload: it " + how
                    + "; the upload is not completed, and the next attempt sends the file as it is then");
        }
    }
}
