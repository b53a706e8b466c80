package dev.ferry.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import dev.ferry.cli.Steps.Failed;
import dev.ferry.config.TargetConfig.Storage;
import dev.ferry.config.TargetConfig.UploadMode;
import dev.ferry.ftps.DataChannel;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.RemoteDir;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TransferReport;
import dev.ferry.route.TemporaryName;
import dev.ferry.route.UploadRoute;

/** The write steps of {@code ferry check}: one route's own upload path, tried with a small file. */
final class UploadProbe {

    private final Steps steps;
    /** One per check, never static: a native image built with it initialised would bake its seed in. */
    private final SecureRandom random = new SecureRandom();

    UploadProbe(Steps steps) {
        this.steps = steps;
    }

    /**
     * The route's own upload path, in the target's upload mode, with a small file under a dot name in the route's
     * remote directory (made if missing, as the route would): the {@code STOR} (which proves the data connection and
     * says whether it resumed the control connection's TLS session) and the {@code SIZE} check; in
     * {@code temp-rename} mode the rename from the route's temporary name to the final one, then a second upload
     * renamed over that existing name (what every re-sent file needs, and what Transfer Family refuses and Ferry
     * works around by deleting first); in {@code direct} mode a second {@code STOR} over the existing name. Then the
     * clean-up. A step the server refuses fails the check as it would fail every file.
     */
    void run(Target target, FtpsClient client, String home, UploadRoute route) throws Failed {
        RemoteDir dir = route.parameters().remoteDir();
        String where = dir + " (route " + route.id() + ")";
        long start = System.nanoTime();
        boolean made = enter(client, home, dir, where);
        String name = ".ferry-check-" + randomHex() + ".tmp";
        boolean direct = target.uploadMode() == UploadMode.DIRECT;
        String sent = direct ? name : TemporaryName.of(name, route.id());
        // on S3 an uploaded file starts the server's managed workflow (OnUpload) unless it is empty
        boolean s3 = target.storage() == Storage.S3;
        byte[] probe = s3 ? new byte[0] : ("ferry check " + Instant.now() + "\n").getBytes(StandardCharsets.US_ASCII);
        List<String> left = new ArrayList<>();
        try {
            left.add(sent);
            TransferReport first = store(client, sent, probe, where, "data");
            DataChannel channel = client.report().dataChannel();
            if (channel != null) {
                steps.line("ok", "passive", channel.passiveReply() + " -> " + channel.address() + " ("
                        + target.key("passive-address") + "=" + target.passiveAddress().name().toLowerCase() + ")");
            }
            steps.line(first.sessionResumed() ? "ok" : "warn", "data", "STOR " + sent + " over "
                    + first.tlsProtocol() + ", " + Steps.resumption(first.sessionResumed()) + "; SIZE " + probe.length
                    + " bytes as sent" + (s3
                            ? " (" + target.key("storage") + "=s3: an empty file, which starts no"
                                    + " managed workflow)"
                            : ""));
            if (direct) {
                store(client, name, probe, where, "replace");
                steps.line("ok", "replace", "a second STOR over the existing " + name + " (" + target.key("upload-mode")
                        + "=direct: no rename)");
            } else {
                rename(client, sent, name, where, "rename");
                left.set(0, name);
                steps.line("ok", "rename", "RNFR " + sent + ", RNTO " + name);
                left.add(sent);
                store(client, sent, probe, where, "replace");
                rename(client, sent, name, where, "replace");
                left.remove(sent);
                steps.line("ok", "replace", "a second upload renamed over the existing " + name
                        + " (as a file sent again is)");
            }
        } finally {
            clean(client, left, dir);
        }
        steps.line("ok", "write", where + ": " + (made ? "created the directory, " : "") + "the upload path works ("
                + target.key("upload-mode") + "=" + target.uploadMode().name().toLowerCase().replace('_', '-') + ", "
                + Steps.since(start) + ")");
    }

    private boolean enter(FtpsClient client, String home, RemoteDir dir, String where) throws Failed {
        try {
            if (home != null && !client.changeWorkingDirectory(home)) {
                throw steps.fail("write", where + ": cannot return to the login directory " + home + ": "
                        + client.getReplyString().trim());
            }
            return dir.enter(client);
        } catch (IOException e) {
            throw steps.fail("write", where + ": " + e.getMessage() + "; the route could not deliver there either");
        }
    }

    /** One upload as the route does it: STOR over a data connection, then the SIZE check. */
    private TransferReport store(FtpsClient client, String name, byte[] bytes, String where, String step)
            throws Failed {
        try {
            if (!client.storeFile(name, new ByteArrayInputStream(bytes))) {
                throw steps.fail(step, where + ": STOR " + name + " refused: " + client.getReplyString().trim()
                        + "; every file of this route would be");
            }
            return client.report().transfer();
        } catch (IOException e) {
            steps.passiveLine(client);
            throw steps.fail(step,
                    where + ": " + e.getMessage() + "; every file of this route would fail the same way");
        }
    }

    private void rename(FtpsClient client, String from, String to, String where, String step) throws Failed {
        try {
            client.rename(from, to);
        } catch (IOException e) {
            throw steps.fail(step, where + ": " + e.getMessage() + "; the route renames each file into place from its "
                    + "temporary name: allow RNFR and RNTO for this user, or set " + client.target().key("upload-mode")
                    + "=direct");
        }
    }

    /** Deletes what the probe left; a refusal is a warning: delivery itself deletes nothing on most servers. */
    private void clean(FtpsClient client, List<String> names, RemoteDir dir) {
        for (String name : names) {
            try {
                if (client.deleteFile(name)) {
                    continue;
                }
                steps.line("warn", "clean",
                        "DELE " + name + " refused (" + client.getReplyString().trim() + "): remove "
                                + dir + "/" + name + " by hand");
            } catch (IOException e) {
                steps.line("warn", "clean", "could not delete " + dir + "/" + name + " (" + e.getMessage()
                        + "): remove it by hand");
            }
        }
    }

    private String randomHex() {
        byte[] bytes = new byte[4];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
