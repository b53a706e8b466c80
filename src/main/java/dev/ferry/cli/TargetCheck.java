package dev.ferry.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.ferry.config.TargetConfig.UploadMode;
import dev.ferry.ftps.Causes;
import dev.ferry.ftps.DataChannel;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.LoginRefusedException;
import dev.ferry.ftps.ReuseRefusal;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TransferReport;
import dev.ferry.route.RouteParameters.RemoteDir;
import dev.ferry.route.Routes.RouteInfo;
import dev.ferry.route.TemporaryName;

/**
 * {@code ferry check}: walks one target through every step a delivery takes, with Ferry's own client, and prints one
 * line per step; the first failing step ends the check with what to change. Steps: name resolution, TCP connect, TLS
 * handshake (trust and host-name checks as in service), the certificate, login with PBSZ/PROT, then for each route
 * the route's own upload path in the target's upload mode ({@link #writeProbe}: the STOR that proves the data
 * connection and whether it resumed the control connection's TLS session, the SIZE check, the rename into place and
 * over an existing name, the clean-up). Without a route or with {@code --no-write}, a listing proves what it can of
 * the data connection; a refused listing never fails the check, since delivery needs none.
 * <p>
 * About 400 lines: one method per step, each with the advice its failure prints; what the steps share is Ferry's own
 * client and the certificate texts of {@link Certificates}.
 */
final class TargetCheck {

    /** Certificates closer to their end than this are reported as a warning. */
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PrintStream out;

    TargetCheck(PrintStream out) {
        this.out = out;
    }

    /** Checks one target; {@code routes} are the routes that ship to it. Returns whether every step passed. */
    boolean run(Target target, List<RouteInfo> routes, boolean write) {
        out.printf("Checking target %s: %s as '%s'%n", target.name(), target.address(), target.username());
        FtpsClient client = null;
        try {
            InetAddress address = resolve(target);
            connect(target, address);
            client = new FtpsClient(target, false);
            tls(target, client);
            login(target, client);
            if (!write || routes.isEmpty()) {
                // no upload to prove the data connection with: a listing does, as far as it can
                dataConnection(target, client);
                line("skip", "write", !write
                        ? "--no-write: no file written; the upload path (STOR, SIZE, rename) "
                                + "is not checked"
                        : "no route ships to " + target.name() + ": no remote directory to probe");
            } else {
                String home = loginDirectory(client);
                for (RouteInfo route : routes) {
                    writeProbe(target, client, home, route);
                }
            }
            out.printf("target %s: OK%n", target.name());
            return true;
        } catch (Failed e) {
            out.printf("target %s: FAILED at %s%n", target.name(), e.getMessage());
            return false;
        } finally {
            quit(client);
        }
    }

    private String loginDirectory(FtpsClient client) throws Failed {
        try {
            return client.printWorkingDirectory();
        } catch (IOException e) {
            throw fail("write", "cannot read the login directory (PWD): " + e.getMessage());
        }
    }

    /** Ends the session politely; every step has passed or failed by now, so a failure here changes no verdict. */
    private static void quit(FtpsClient client) {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.logout();
            }
            client.close();
        } catch (IOException e) {
            // the server hung up first: nothing left to check
        }
    }

    private InetAddress resolve(Target target) throws Failed {
        long start = System.nanoTime();
        try {
            InetAddress[] addresses = InetAddress.getAllByName(target.host());
            line("ok", "resolve", target.host() + " -> " + Arrays.stream(addresses).map(InetAddress::getHostAddress)
                    .collect(Collectors.joining(", ")) + " (" + since(start) + ")");
            return addresses[0];
        } catch (UnknownHostException e) {
            throw fail("resolve", "cannot resolve " + target.host() + " (" + target.key("host") + "): check the name; "
                    + "an AWS Transfer Family VPC endpoint's DNS name resolves only inside its VPC (DNS support on)");
        }
    }

    private void connect(Target target, InetAddress address) throws Failed {
        long start = System.nanoTime();
        String to = address.getHostAddress() + ":" + target.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, target.port()), millis(target.connectTimeout()));
            line("ok", "connect", to + " (" + since(start) + ")");
        } catch (ConnectException e) {
            throw fail("connect", "connection to " + to + " refused: nothing listens there; check " + target.key("port")
                    + " and that the server runs");
        } catch (SocketTimeoutException e) {
            throw fail("connect", "no answer from " + to + " within " + target.connectTimeout().toSeconds() + " s ("
                    + target.key("connect-timeout") + "): a security group, network ACL or firewall drops the "
                    + "packets; allow TCP " + target.port() + " and the server's passive ports from this host");
        } catch (IOException e) {
            throw fail("connect", "cannot connect to " + to + ": " + e.getMessage());
        }
    }

    private void tls(Target target, FtpsClient client) throws Failed {
        long start = System.nanoTime();
        try {
            client.connect(target.host(), target.port());
        } catch (IOException e) {
            Failed failed = fail("tls", e.getMessage());
            if (Causes.find(e, SSLException.class).isPresent()) {
                showPresentedCertificate(target);
            }
            throw failed;
        }
        SSLSession session = client.controlSession();
        line("ok", "tls", session.getProtocol() + " " + session.getCipherSuite() + " (" + since(start) + ")");
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate leaf = (X509Certificate) chain[0];
            String trusted = "trusted (" + (target.hasTrustStore() ? target.key("trust-store") : "the JDK's CAs")
                    + "), host name " + target.host() + " matches";
            Duration left = Duration.between(Instant.now(), leaf.getNotAfter().toInstant());
            boolean expiring = left.compareTo(EXPIRY_WARNING) < 0;
            line(expiring ? "warn" : "ok", "cert", Certificates.describe(leaf) + ", " + left.toDays() + " days left"
                    + (expiring ? " (renew it soon)" : "") + "; " + trusted);
        } catch (SSLPeerUnverifiedException e) {
            throw fail("cert", "the server sent no certificate: " + e.getMessage());
        }
    }

    /** After a failed handshake: what the server presents, so the operator sees which name or CA does not fit. */
    private void showPresentedCertificate(Target target) {
        try {
            X509Certificate presented = Certificates.presented(target);
            line("info", "cert", "the server presents " + Certificates.describe(presented));
        } catch (IOException e) {
            line("info", "cert", "could not read the server's certificate: " + e.getMessage());
        }
    }

    private void login(Target target, FtpsClient client) throws Failed {
        long start = System.nanoTime();
        try {
            if (!client.login(target.username(), null)) {
                throw fail("login", "login to " + target.address() + " failed: " + client.getReplyString().trim());
            }
        } catch (LoginRefusedException e) {
            throw fail("login", e.getMessage());
        } catch (IOException e) {
            throw fail("login", "after the login (PBSZ 0, PROT P, TYPE I): " + e.getMessage());
        }
        line("ok", "login", "as '" + target.username() + "', PBSZ 0, PROT P (data encrypted), TYPE I accepted ("
                + since(start) + ")");
    }

    private void dataConnection(Target target, FtpsClient client) throws Failed {
        long start = System.nanoTime();
        String[] names;
        try {
            names = client.listNames();
        } catch (IOException e) {
            passiveLine(client);
            throw fail("data", e.getMessage());
        }
        DataChannel channel = client.lastDataChannel();
        if (channel == null && names == null && !refusesDataConnection(client.getReplyCode())) {
            passiveLine(client);
            line("warn", "data", "NLST refused (" + client.getReplyString().trim() + "): delivery needs no listing, "
                    + "but the data connection is proven only by an upload: run the check without --no-write");
            return;
        }
        if (channel == null) {
            passiveLine(client);
            throw fail("data", "no data connection: " + client.getReplyString().trim());
        }
        line("ok", "passive", channel.passiveReply() + " -> " + channel.address() + " ("
                + target.key("passive-address") + "=" + target.passiveAddress().name().toLowerCase() + ")");
        String reply = client.getReplyString().trim();
        if (names == null && refusesDataConnection(client.getReplyCode())) {
            throw fail("data", "NLST over " + channel.protocol() + " refused: " + reply
                    + ReuseRefusal.explain(reply, channel.protocol(), channel.resumed()));
        }
        if (names == null) {
            line("warn", "data", "NLST refused (" + reply + "): delivery needs no listing, but the data connection "
                    + "is proven only by an upload: run the check without --no-write");
            return;
        }
        if (channel.resumed()) {
            line("ok", "data", "NLST over " + channel.protocol() + ", TLS session resumed from the control "
                    + "connection (" + names.length + " names, " + since(start) + ")");
        } else {
            line("warn", "data", "NLST over " + channel.protocol() + ", TLS session NOT resumed; this server "
                    + "accepted it, but one that requires reuse (AWS Transfer Family, vsftpd, ProFTPD by default) "
                    + "answers '522 Data connection must use cached TLS session'");
        }
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
    private void writeProbe(Target target, FtpsClient client, String home, RouteInfo route) throws Failed {
        RemoteDir dir = route.parameters().remoteDir();
        String where = dir + " (route " + route.id() + ")";
        long start = System.nanoTime();
        boolean made = enter(client, home, dir, where);
        String name = ".ferry-check-" + randomHex() + ".tmp";
        boolean direct = target.uploadMode() == UploadMode.DIRECT;
        String sent = direct ? name : TemporaryName.of(name, route.id());
        byte[] probe = ("ferry check " + Instant.now() + "\n").getBytes(StandardCharsets.US_ASCII);
        List<String> left = new ArrayList<>();
        try {
            left.add(sent);
            TransferReport first = store(client, sent, probe, where, "data");
            DataChannel channel = client.lastDataChannel();
            if (channel != null) {
                line("ok", "passive", channel.passiveReply() + " -> " + channel.address() + " ("
                        + target.key("passive-address") + "=" + target.passiveAddress().name().toLowerCase() + ")");
            }
            line(first.sessionResumed() ? "ok" : "warn", "data", "STOR " + sent + " over " + first.tlsProtocol()
                    + ", " + (first.sessionResumed()
                            ? "TLS session resumed from the control connection"
                            : "TLS session NOT resumed; this server accepted it, but one that requires reuse (AWS "
                                    + "Transfer Family, vsftpd, ProFTPD by default) answers '522 Data connection must "
                                    + "use cached TLS session'")
                    + "; SIZE " + probe.length + " bytes as sent");
            if (direct) {
                store(client, name, probe, where, "replace");
                line("ok", "replace", "a second STOR over the existing " + name + " (" + target.key("upload-mode")
                        + "=direct: no rename)");
            } else {
                rename(client, sent, name, where, "rename");
                left.set(0, name);
                line("ok", "rename", "RNFR " + sent + ", RNTO " + name);
                left.add(sent);
                store(client, sent, probe, where, "replace");
                rename(client, sent, name, where, "replace");
                left.remove(sent);
                line("ok", "replace", "a second upload renamed over the existing " + name
                        + " (as a file sent again is)");
            }
        } finally {
            clean(client, left, dir);
        }
        line("ok", "write", where + ": " + (made ? "created the directory, " : "") + "the upload path works ("
                + target.key("upload-mode") + "=" + target.uploadMode().name().toLowerCase().replace('_', '-') + ", "
                + since(start) + ")");
    }

    private boolean enter(FtpsClient client, String home, RemoteDir dir, String where) throws Failed {
        try {
            if (home != null && !client.changeWorkingDirectory(home)) {
                throw fail("write", where + ": cannot return to the login directory " + home + ": "
                        + client.getReplyString().trim());
            }
            if (dir.absolute() && !client.changeWorkingDirectory("/")) {
                throw fail("write", where + ": cannot change to / : " + client.getReplyString().trim());
            }
            boolean made = false;
            for (String part : dir.path().isEmpty() ? new String[0] : dir.path().split("/")) {
                if (!client.changeWorkingDirectory(part)) {
                    if (!client.makeDirectory(part) || !client.changeWorkingDirectory(part)) {
                        throw fail("write", where + ": cannot create or enter " + part + ": "
                                + client.getReplyString().trim() + "; the route could not deliver there either");
                    }
                    made = true;
                }
            }
            return made;
        } catch (IOException e) {
            throw fail("write", where + ": " + e.getMessage());
        }
    }

    /** One upload as the route does it: STOR over a data connection, then the SIZE check. */
    private TransferReport store(FtpsClient client, String name, byte[] bytes, String where, String step)
            throws Failed {
        try {
            if (!client.storeFile(name, new ByteArrayInputStream(bytes))) {
                throw fail(step, where + ": STOR " + name + " refused: " + client.getReplyString().trim()
                        + "; every file of this route would be");
            }
            return client.lastTransfer();
        } catch (IOException e) {
            passiveLine(client);
            throw fail(step, where + ": " + e.getMessage() + "; every file of this route would fail the same way");
        }
    }

    private void rename(FtpsClient client, String from, String to, String where, String step) throws Failed {
        try {
            client.rename(from, to);
        } catch (IOException e) {
            throw fail(step, where + ": " + e.getMessage() + "; the route renames each file into place from its "
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
                line("warn", "clean", "DELE " + name + " refused (" + client.getReplyString().trim() + "): remove "
                        + dir + "/" + name + " by hand");
            } catch (IOException e) {
                line("warn", "clean", "could not delete " + dir + "/" + name + " (" + e.getMessage()
                        + "): remove it by hand");
            }
        }
    }

    private static boolean refusesDataConnection(int code) {
        return code == 425 || code == 426 || code == 522;
    }

    private void passiveLine(FtpsClient client) {
        if (client.lastPassiveReply() != null) {
            line("info", "passive", client.lastPassiveReply());
        }
    }

    private void line(String status, String step, String text) {
        out.printf("  %-5s %-8s %s%n", status, step, text);
    }

    private Failed fail(String step, String text) {
        line("FAIL", step, text);
        return new Failed(step);
    }

    private static String randomHex() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String since(long start) {
        return (System.nanoTime() - start) / 1_000_000 + " ms";
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /** A step failed; its line is printed, the message is the step's name. */
    private static final class Failed extends Exception {

        Failed(String step) {
            super(step, null, false, false);
        }
    }
}
