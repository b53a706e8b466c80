package dev.ferry.route;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import dev.ferry.ftps.Names;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.support.TypeConverterSupport;

/**
 * The body of an exchange on its way to the server: each upload attempt opens the file afresh through
 * {@link #CONVERTER} (Camel asks for an {@code InputStream}), and the stream fails the attempt, before the server is
 * told the upload is complete and so before any rename, when the file changed while it was read: another size, or
 * another modification or status-change time (a rewrite of the same size). The next attempt sends it as it is then.
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

    LocalFile(Path path, String name) {
        this.path = path;
        this.name = name;
    }

    /** The state of the file as the last complete upload read it, or {@code null} before one. */
    FileState sent() {
        return sent;
    }

    private InputStream open() throws IOException {
        FileState opened = FileState.of(path);
        // no link followed: the file checked at pickup, not whatever a link put in its place meanwhile
        return new Checked(Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS), opened);
    }

    @Override
    public String toString() {
        return Names.printable(name);
    }

    /** Thrown by the stream: the file changed while it was being uploaded. */
    static final class ChangedException extends IOException {

        ChangedException(String message) {
            super(message);
        }
    }

    private final class Checked extends FilterInputStream {

        private final FileState opened;
        private long read;

        Checked(InputStream in, FileState opened) {
            super(in);
            this.opened = opened;
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
                return n;
            }
            FileState now = FileState.of(path);
            if (read != opened.size() || !now.equals(opened)) {
                throw changed(read != opened.size()
                        ? "has " + read + " bytes where it had " + opened.size()
                        : "was rewritten (modification or status-change time differs)");
            }
            sent = opened;
            return n;
        }

        private ChangedException changed(String how) {
            return new ChangedException(Names.printable(name) + " changed during its upload: it " + how
                    + "; the upload is not completed, and the next attempt sends the file as it is then");
        }
    }
}
