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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.ferry.ftps.Causes;
import dev.ferry.ftps.DataChannel;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.LoginRefusedException;
import dev.ferry.ftps.ReuseRefusal;
import dev.ferry.ftps.Target;
import dev.ferry.ftps.TransferReport;
import dev.ferry.route.RouteParameters.RemoteDir;
import dev.ferry.route.Routes.RouteInfo;

/**
 * {@code ferry check}: walks one target through every step a delivery takes, with Ferry's own client, and prints one
 * line per step; the first failing step ends the check with what to change. Steps: name resolution, TCP connect, TLS
 * handshake (trust and host-name checks as in service), the certificate, login with PBSZ/PROT, a passive data
 * connection and whether it resumed the control connection's TLS session, and (unless {@code --no-write}) a small
 * file uploaded, size-checked and deleted in each route's remote directory.
 * <p>
 * About 300 lines: one method per step, each with the advice its failure prints; what the steps share is Ferry's own
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
            dataConnection(target, client);
            if (!write) {
                line("skip", "write", "--no-write: no file written");
            } else if (routes.isEmpty()) {
                line("skip", "write", "no route ships to " + target.name() + ": no remote directory to probe");
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
        if (channel == null) {
            passiveLine(client);
            throw fail("data", "no data connection: " + client.getReplyString().trim());
        }
        line("ok", "passive", channel.passiveReply() + " -> " + channel.address() + " ("
                + target.key("passive-address") + "=" + target.passiveAddress().name().toLowerCase() + ")");
        String reply = client.getReplyString().trim();
        if (names == null) {
            throw fail("data", "NLST over " + channel.protocol() + " refused: " + reply
                    + ReuseRefusal.explain(reply, channel.protocol(), channel.resumed()));
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
     * Uploads a small file under a dot name into the route's remote directory (made if missing, as the route would),
     * checks its size on the server and deletes it.
     */
    private void writeProbe(Target target, FtpsClient client, String home, RouteInfo route) throws Failed {
        RemoteDir dir = route.parameters().remoteDir();
        String step = "write";
        String where = dir + " (route " + route.id() + ")";
        long start = System.nanoTime();
        try {
            if (home != null && !client.changeWorkingDirectory(home)) {
                throw fail(step, where + ": cannot return to the login directory " + home + ": "
                        + client.getReplyString().trim());
            }
            if (dir.absolute() && !client.changeWorkingDirectory("/")) {
                throw fail(step, where + ": cannot change to / : " + client.getReplyString().trim());
            }
            boolean made = false;
            for (String part : dir.path().isEmpty() ? new String[0] : dir.path().split("/")) {
                if (!client.changeWorkingDirectory(part)) {
                    if (!client.makeDirectory(part) || !client.changeWorkingDirectory(part)) {
                        throw fail(step, where + ": cannot create or enter " + part + ": "
                                + client.getReplyString().trim() + "; the route could not deliver there either");
                    }
                    made = true;
                }
            }
            String name = ".ferry-check-" + randomHex() + ".tmp";
            byte[] probe = ("ferry check " + Instant.now() + "\n").getBytes(StandardCharsets.US_ASCII);
            if (!client.storeFile(name, new ByteArrayInputStream(probe))) {
                throw fail(step, where + ": STOR " + name + " refused: " + client.getReplyString().trim());
            }
            TransferReport sent = client.lastTransfer();
            String deleted = client.deleteFile(name)
                    ? "deleted"
                    : "NOT deleted (" + client.getReplyString().trim() + "): remove " + dir + "/" + name + " by hand";
            line(client.getReplyCode() / 100 == 2 ? "ok" : "warn", step, where + ": "
                    + (made ? "created the directory, " : "") + "uploaded " + probe.length + " bytes as " + name
                    + ", size checked, " + deleted + " (" + sent.tlsProtocol() + ", " + sent.resumption() + ", "
                    + since(start) + ")");
        } catch (Failed e) {
            throw e;
        } catch (IOException e) {
            throw fail(step, where + ": " + e.getMessage());
        }
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
