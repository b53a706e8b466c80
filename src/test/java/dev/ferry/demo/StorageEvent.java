package dev.ferry.demo;

import java.time.Instant;

/**
 * One thing that S3 (or EFS) and Transfer Family's managed workflows would see, as {@link StorageTwin} logs it. Keys are
 * paths below the server's root without a leading slash ({@code in/a.csv}); {@code from} is set for copies only.
 */
public record StorageEvent(Kind kind, String key, String from, long size, Instant time) {

    public enum Kind {
        /** An object came into being under its key: a STOR ended, complete or not (S3 only). */
        OBJECT_CREATED,
        /** The copy half of a rename: {@code from} copied to {@code key} (S3 only). */
        OBJECT_COPIED,
        /** DELE, or the delete half of a rename on S3. */
        OBJECT_DELETED,
        /** A complete upload of more than zero bytes: Transfer Family starts the server's OnUpload workflow. */
        ON_UPLOAD,
        /** An upload cut short (more than zero bytes arrived): Transfer Family starts the OnPartialUpload workflow. */
        ON_PARTIAL_UPLOAD
    }

    @Override
    public String toString() {
        return kind + " " + (from == null ? "" : from + " -> ") + key + " (" + size + " bytes)";
    }
}
