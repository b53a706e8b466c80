package dev.ferry.demo;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.ferry.demo.EmbeddedFtpsServer.Storage;
import dev.ferry.demo.StorageEvent.Kind;
import org.apache.ftpserver.command.Command;
import org.apache.ftpserver.filesystem.nativefs.NativeFileSystemFactory;
import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.FileSystemFactory;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.impl.FtpIoSession;
import org.apache.ftpserver.impl.FtpServerContext;

/**
 * The storage behind a Transfer Family twin: what S3 or EFS does with uploads, renames and deletes, and the log of what
 * S3 and the managed workflows would see ({@link StorageEvent}).
 * <p>
 * <b>S3</b> (AWS documents): nothing is visible while a STOR runs; the object appears when the upload ends, complete
 * or, if the transfer was cut, as a partial object ({@code PARTIAL_CLOSE} in the server's log) under the name it was
 * sent to; directories are key prefixes; there is no rename, only a copy and a delete, and a rename over an existing
 * file or of a directory is not supported. The twin writes each STOR into a staging file beside the root (never
 * listed) and moves it into place, atomically, <em>before</em> the STOR's final reply is written, so a client that
 * reads 226 and asks SIZE finds the object. A rename sleeps size / {@code copyRate} (the copy time of a large object),
 * copies, deletes, and only then answers. Objects stay plain files under the root, so tests compare their bytes.
 * <p>
 * <b>EFS</b>: POSIX files growing in place while a STOR runs; a rename is an atomic move, refused over an existing
 * file or for a directory. Only the workflow events and deletes are logged: EFS has no object events.
 * <p>
 * Workflows: {@code OnUpload} for a complete upload, {@code OnPartialUpload} for a cut one, none for zero bytes and
 * none for a rename (nothing AWS documents says a rename starts one).
 * <p>
 * Where the twin guesses: the text of a refused rename (AWS does not document it; the twin's says "already exists",
 * which is what clients match on), whether a cut upload of zero bytes leaves an object (the twin creates one), and
 * the end of an upload: a data connection that ends without TLS close_notify (a client process killed, not reset)
 * reads as a clean end of file to the JDK ({@code com.sun.net.ssl.requireCloseNotify} is off), so Apache FtpServer
 * answers 226 and the twin counts it complete; only a transfer that fails (reset, timeout: 426 or 551) is partial.
 * Because FtpServer runs a session's close after its running command, a client that vanishes mid-STOR always ends
 * the STOR first, and the twin commits there; nothing is left staged when a session closes.
 */
final class StorageTwin {

    static final String RENAME_OVER_EXISTING = "File already exists: renaming over an existing file is not supported.";
    static final String RENAME_DIRECTORY = "Renaming a directory is not supported: only files can be renamed.";

    /** The upload the STOR running on this thread opened, between createOutputStream and its final reply. */
    private static final ThreadLocal<Upload> UPLOAD = new ThreadLocal<>();

    private final Storage storage;
    private final Path root;
    private final Path staging;
    private final long copyRate;
    private final List<StorageEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Upload> running = new ConcurrentHashMap<>();
    private volatile FailurePlan failures;

    /** See {@link EmbeddedFtpsServer#failUploads}. */
    record FailurePlan(String nameEnd, long afterBytes, java.util.concurrent.atomic.AtomicInteger left,
            boolean dropSession) {

        boolean takes(String key) {
            return key.endsWith(nameEnd) && left.getAndDecrement() > 0;
        }
    }

    void failUploads(String nameEnd, long afterBytes, int times, boolean dropSession) {
        failures = new FailurePlan(nameEnd, afterBytes, new java.util.concurrent.atomic.AtomicInteger(times),
                dropSession);
    }

    StorageTwin(Storage storage, Path root, long copyRate) {
        this.storage = storage;
        this.root = root.toAbsolutePath().normalize();
        this.staging = this.root.resolveSibling("." + this.root.getFileName() + ".s3-staging");
        this.copyRate = copyRate;
    }

    List<StorageEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Keys being uploaded now, with the bytes received so far. */
    Map<String, Long> running() {
        Map<String, Long> bytes = new java.util.TreeMap<>();
        running.forEach((key, upload) -> bytes.put(key, upload.bytes.get()));
        return bytes;
    }

    FileSystemFactory fileSystems() {
        NativeFileSystemFactory natives = new NativeFileSystemFactory();
        natives.setCreateHome(true);
        return user -> new View(natives.createFileSystemView(user));
    }

    /** STOR, with the upload committed before its final reply is written. */
    Command store(Command stor) {
        return (session, context, request) -> {
            UPLOAD.remove();
            try {
                stor.execute(new CommitBeforeReply(session, context), context, request);
            } finally {
                Upload left = UPLOAD.get();
                UPLOAD.remove();
                if (left != null) {
                    // no final reply was written (the command failed on its own): the bytes that came are partial
                    commit(left, false);
                }
            }
        };
    }

    /** RNTO as S3 or EFS do it; whatever FtpServer refuses anyway (no RNFR, bad names) is left to {@code rnto}. */
    Command renameTo(Command rnto) {
        return (session, context, request) -> {
            FtpFile from = session.getRenameFrom();
            FtpFile to = from == null || !request.hasArgument() ? null : target(session, request.getArgument());
            if (to == null || !from.doesExist() || !to.isWritable()) {
                rnto.execute(session, context, request);
                return;
            }
            try {
                if (from.isDirectory()) {
                    session.write(new DefaultFtpReply(550, RENAME_DIRECTORY));
                } else if (to.doesExist()) {
                    session.write(new DefaultFtpReply(550, RENAME_OVER_EXISTING));
                } else {
                    rename(key(from), key(to));
                    session.write(new DefaultFtpReply(250, "Requested file action okay, file renamed."));
                }
            } catch (IOException e) {
                session.write(new DefaultFtpReply(553, "Can't rename file: " + e.getMessage()));
            } finally {
                session.resetState();
            }
        };
    }

    private static FtpFile target(FtpIoSession session, String name) {
        try {
            return session.getFileSystemView().getFile(name);
        } catch (FtpException e) {
            return null;
        }
    }

    private void rename(String from, String to) throws IOException {
        Path source = root.resolve(from);
        Path target = root.resolve(to);
        Files.createDirectories(target.getParent());
        if (storage == Storage.EFS) {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        long size = Files.size(source);
        sleep(size * 1000 / copyRate);
        // the copy appears at once, as an S3 object does, not growing
        Files.createDirectories(staging);
        Path copy = Files.createTempFile(staging, "copy-", ".part");
        Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE);
        log(Kind.OBJECT_COPIED, to, from, size);
        Files.delete(source);
        log(Kind.OBJECT_DELETED, from, null, size);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String key(FtpFile file) {
        return file.getAbsolutePath().replaceFirst("^/+", "");
    }

    private void log(Kind kind, String key, String from, long size) {
        events.add(new StorageEvent(kind, key, from, size, Instant.now()));
    }

    private void commit(Upload upload, boolean complete) throws IOException {
        running.remove(upload.key, upload);
        // a failed STOR writes its reply before it closes the file: the bytes that came must be in it first
        upload.out.close();
        Path target = root.resolve(upload.key);
        if (upload.staged != null) {
            Files.createDirectories(target.getParent());
            Files.move(upload.staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        long size = Files.size(target);
        if (storage == Storage.S3) {
            log(Kind.OBJECT_CREATED, upload.key, null, size);
        }
        if (size > 0) {
            log(complete ? Kind.ON_UPLOAD : Kind.ON_PARTIAL_UPLOAD, upload.key, null, size);
        }
    }

    /** One STOR's output: where it goes and how much has arrived. */
    private static final class Upload {

        final String key;
        final Path staged;
        final OutputStream out;
        final AtomicLong bytes = new AtomicLong();
        /** Bytes after which the server fails this upload ({@link EmbeddedFtpsServer#failUploads}); -1: never. */
        volatile long failAfter = -1;
        /** Whether the failure drops the whole session, with no reply, rather than answering 551. */
        volatile boolean dropSession;

        Upload(String key, Path staged, OutputStream target) {
            this.key = key;
            this.staged = staged;
            this.out = new FilterOutputStream(target) {

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    if (failAfter >= 0 && bytes.addAndGet(len) >= failAfter) {
                        throw new IOException("the twin fails this upload after " + failAfter + " bytes, as asked");
                    }
                    if (failAfter < 0) {
                        bytes.addAndGet(len);
                    }
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    bytes.incrementAndGet();
                }
            };
        }
    }

    /** STOR writes its final reply (226, or 426/551 for a failed transfer) here: the upload is committed first. */
    private final class CommitBeforeReply extends FtpIoSession {

        CommitBeforeReply(FtpIoSession session, FtpServerContext context) {
            super(session, context);
        }

        @Override
        public org.apache.mina.core.future.WriteFuture write(Object message) {
            Upload upload = UPLOAD.get();
            if (upload != null && message instanceof FtpReply reply && reply.getCode() >= 200) {
                UPLOAD.remove();
                try {
                    commit(upload, reply.getCode() == FtpReply.REPLY_226_CLOSING_DATA_CONNECTION);
                } catch (IOException e) {
                    return super.write(new DefaultFtpReply(451, "Could not store " + upload.key + ": " + e));
                }
                if (upload.dropSession) {
                    // the session goes, the partial object stays: what a client sees when the endpoint drops it
                    closeNow();
                }
            }
            return super.write(message);
        }
    }

    private final class View implements FileSystemView {

        private final FileSystemView natives;

        View(FileSystemView natives) {
            this.natives = natives;
        }

        @Override
        public FtpFile getHomeDirectory() throws FtpException { return new TwinFile(natives.getHomeDirectory()); }

        @Override
        public FtpFile getWorkingDirectory() throws FtpException { return new TwinFile(natives.getWorkingDirectory()); }

        @Override
        public boolean changeWorkingDirectory(String dir) throws FtpException {
            return natives.changeWorkingDirectory(dir);
        }

        @Override
        public FtpFile getFile(String file) throws FtpException {
            FtpFile found = natives.getFile(file);
            return found == null ? null : new TwinFile(found);
        }

        @Override
        public boolean isRandomAccessible() throws FtpException { return natives.isRandomAccessible(); }

        @Override
        public void dispose() {
            natives.dispose();
        }
    }

    /** A native file whose uploads and deletes go through the twin. */
    private final class TwinFile implements FtpFile {

        private final FtpFile file;

        TwinFile(FtpFile file) {
            this.file = file;
        }

        @Override
        public OutputStream createOutputStream(long offset) throws IOException {
            if (!isWritable()) {
                throw new IOException("No write permission : " + getName());
            }
            String key = key(this);
            Upload upload;
            if (storage == Storage.S3) {
                if (offset > 0) {
                    // Transfer Family lists no REST: an upload cannot be resumed, only sent again
                    throw new IOException("Resuming an upload is not supported");
                }
                Files.createDirectories(staging);
                Path staged = Files.createTempFile(staging, "upload-", ".part");
                upload = new Upload(key, staged, Files.newOutputStream(staged));
            } else {
                upload = new Upload(key, null, file.createOutputStream(offset));
            }
            FailurePlan plan = failures;
            if (plan != null && plan.takes(key)) {
                upload.failAfter = plan.afterBytes();
                upload.dropSession = plan.dropSession();
            }
            UPLOAD.set(upload);
            running.put(key, upload);
            return upload.out;
        }

        @Override
        public boolean delete() {
            boolean directory = file.isDirectory();
            long size = directory ? 0 : file.getSize();
            boolean deleted = file.delete();
            if (deleted && !directory) {
                log(Kind.OBJECT_DELETED, key(this), null, size);
            }
            return deleted;
        }

        @Override
        public boolean move(FtpFile destination) {
            return file.move(destination instanceof TwinFile twin ? twin.file : destination);
        }

        @Override
        public String getAbsolutePath() { return file.getAbsolutePath(); }

        @Override
        public String getName() { return file.getName(); }

        @Override
        public boolean isHidden() { return file.isHidden(); }

        @Override
        public boolean isDirectory() { return file.isDirectory(); }

        @Override
        public boolean isFile() { return file.isFile(); }

        @Override
        public boolean doesExist() {
            return file.doesExist();
        }

        @Override
        public boolean isReadable() { return file.isReadable(); }

        @Override
        public boolean isWritable() { return file.isWritable(); }

        @Override
        public boolean isRemovable() { return file.isRemovable(); }

        @Override
        public String getOwnerName() { return file.getOwnerName(); }

        @Override
        public String getGroupName() { return file.getGroupName(); }

        @Override
        public int getLinkCount() { return file.getLinkCount(); }

        @Override
        public long getLastModified() { return file.getLastModified(); }

        @Override
        public boolean setLastModified(long time) {
            return file.setLastModified(time);
        }

        @Override
        public long getSize() { return file.getSize(); }

        @Override
        public Object getPhysicalFile() { return file.getPhysicalFile(); }

        @Override
        public boolean mkdir() {
            return file.mkdir();
        }

        @Override
        public List<? extends FtpFile> listFiles() {
            return file.listFiles();
        }

        @Override
        public InputStream createInputStream(long offset) throws IOException {
            return file.createInputStream(offset);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TwinFile twin && file.equals(twin.file);
        }

        @Override
        public int hashCode() {
            return file.hashCode();
        }
    }
}
