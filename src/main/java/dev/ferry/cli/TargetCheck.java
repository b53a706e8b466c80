package dev.ferry.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.ferry.cli.Steps.Failed;
import dev.ferry.ftps.Causes;
import dev.ferry.ftps.DataChannel;
import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.LoginRefusedException;
import dev.ferry.ftps.ReuseRefusal;
import dev.ferry.ftps.Target;
import dev.ferry.route.UploadRoute;

/**
 * {@code ferry check}: walks one target through every step a delivery takes, with Ferry's own client, and prints one
 * line per step; the first failing step ends the check with what to change. Steps: name resolution, TCP connect, TLS
 * handshake (trust and host-name checks as in service), the certificate, login with PBSZ/PROT, then for each route
 * the route's own upload path in the target's upload mode ({@link UploadProbe}: the STOR that proves the data
 * connection and whether it resumed the control connection's TLS session, the SIZE check, the rename into place and
 * over an existing name, the clean-up). Without a route or with {@code --no-write}, a listing proves what it can of
 * the data connection; a refused listing never fails the check, since delivery needs none.
 * <p>
 * One method per step, each with the advice its failure prints; the write steps are {@link UploadProbe}'s, the
 * lines {@link Steps}'s, the certificate texts {@link Certificates}'.
 */
final class TargetCheck {

    /** Certificates closer to their end than this are reported as a warning. */
    private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final PrintStream out;
    private final Steps steps;
    private final UploadProbe probe;

    TargetCheck(PrintStream out) {
        this.out = out;
        this.steps = new Steps(out);
        this.probe = new UploadProbe(steps);
    }

    /** Checks one target; {@code routes} are the routes that ship to it. Returns whether every step passed. */
    boolean run(Target target, List<UploadRoute> routes, boolean write) {
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
                steps.line("skip", "write", !write
                        ? "--no-write: no file written; the upload path (STOR, SIZE, rename) "
                                + "is not checked"
                        : "no route ships to " + target.name() + ": no remote directory to probe");
            } else {
                String home = loginDirectory(client);
                for (UploadRoute route : routes) {
                    probe.run(target, client, home, route);
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
            throw steps.fail("write", "cannot read the login directory (PWD): " + e.getMessage());
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
            steps.line("ok", "resolve",
                    target.host() + " -> " + Arrays.stream(addresses).map(InetAddress::getHostAddress)
                            .collect(Collectors.joining(", ")) + " (" + Steps.since(start) + ")");
            return addresses[0];
        } catch (UnknownHostException e) {
            throw steps.fail("resolve", "cannot resolve " + target.host() + " (" + target.key("host")
                    + "): check the name; "
                    + "an AWS Transfer Family VPC endpoint's DNS name resolves only inside its VPC (DNS support on)");
        }
    }

    private void connect(Target target, InetAddress address) throws Failed {
        long start = System.nanoTime();
        String to = address.getHostAddress() + ":" + target.port();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, target.port()), millis(target.connectTimeout()));
            steps.line("ok", "connect", to + " (" + Steps.since(start) + ")");
        } catch (ConnectException e) {
            throw steps.fail("connect",
                    "connection to " + to + " refused: nothing listens there; check " + target.key("port")
                            + " and that the server runs");
        } catch (SocketTimeoutException e) {
            throw steps.fail("connect",
                    "no answer from " + to + " within " + target.connectTimeout().toSeconds() + " s ("
                            + target.key("connect-timeout") + "): a security group, network ACL or firewall drops the "
                            + "packets; allow TCP " + target.port() + " and the server's passive ports from this host");
        } catch (IOException e) {
            throw steps.fail("connect", "cannot connect to " + to + ": " + e.getMessage());
        }
    }

    private void tls(Target target, FtpsClient client) throws Failed {
        long start = System.nanoTime();
        try {
            client.connect(target.host(), target.port());
        } catch (IOException e) {
            Failed failed = steps.fail("tls", e.getMessage());
            if (Causes.find(e, SSLException.class).isPresent()) {
                showPresentedCertificate(target);
            }
            throw failed;
        }
        SSLSession session = client.controlSession();
        steps.line("ok", "tls",
                session.getProtocol() + " " + session.getCipherSuite() + " (" + Steps.since(start) + ")");
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate leaf = (X509Certificate) chain[0];
            String trusted = "trusted (" + (target.hasTrustStore() ? target.key("trust-store") : "the JDK's CAs")
                    + "), host name " + target.host() + " matches";
            Duration left = Duration.between(Instant.now(), leaf.getNotAfter().toInstant());
            boolean expiring = left.compareTo(EXPIRY_WARNING) < 0;
            steps.line(expiring ? "warn" : "ok", "cert",
                    Certificates.describe(leaf) + ", " + left.toDays() + " days left"
                            + (expiring ? " (renew it soon)" : "") + "; " + trusted);
        } catch (SSLPeerUnverifiedException e) {
            throw steps.fail("cert", "the server sent no certificate: " + e.getMessage());
        }
    }

    /** After a failed handshake: what the server presents, so the operator sees which name or CA does not fit. */
    private void showPresentedCertificate(Target target) {
        try {
            X509Certificate presented = Certificates.presented(target);
            steps.line("info", "cert", "the server presents " + Certificates.describe(presented));
        } catch (IOException e) {
            steps.line("info", "cert", "could not read the server's certificate: " + e.getMessage());
        }
    }

    private void login(Target target, FtpsClient client) throws Failed {
        long start = System.nanoTime();
        try {
            if (!client.login(target.username(), null)) {
                throw steps.fail("login",
                        "login to " + target.address() + " failed: " + client.getReplyString().trim());
            }
        } catch (LoginRefusedException e) {
            throw steps.fail("login", e.getMessage());
        } catch (IOException e) {
            throw steps.fail("login", "after the login (PBSZ 0, PROT P, TYPE I): " + e.getMessage());
        }
        steps.line("ok", "login", "as '" + target.username() + "', PBSZ 0, PROT P (data encrypted), TYPE I accepted ("
                + Steps.since(start) + ")");
    }

    private void dataConnection(Target target, FtpsClient client) throws Failed {
        long start = System.nanoTime();
        String[] names;
        try {
            names = client.listNames();
        } catch (IOException e) {
            steps.passiveLine(client);
            throw steps.fail("data", e.getMessage());
        }
        DataChannel channel = client.report().dataChannel();
        if (channel != null) {
            steps.line("ok", "passive", channel.passiveReply() + " -> " + channel.address() + " ("
                    + target.key("passive-address") + "=" + target.passiveAddress().name().toLowerCase() + ")");
        } else {
            steps.passiveLine(client);
        }
        String reply = client.getReplyString().trim();
        if (names == null && !refusesDataConnection(client.getReplyCode())) {
            steps.line("warn", "data", "NLST refused (" + reply + "): delivery needs no listing, but the data "
                    + "connection is proven only by an upload: run the check without --no-write");
            return;
        }
        if (channel == null) {
            throw steps.fail("data", "no data connection: " + reply);
        }
        if (names == null) {
            throw steps.fail("data", "NLST over " + channel.protocol() + " refused: " + reply
                    + ReuseRefusal.explain(reply, channel.protocol(), channel.resumed()));
        }
        steps.line(channel.resumed() ? "ok" : "warn", "data", "NLST over " + channel.protocol() + ", "
                + Steps.resumption(channel.resumed()) + " (" + names.length + " names, " + Steps.since(start) + ")");
    }

    private static boolean refusesDataConnection(int code) {
        return code == 425 || code == 426 || code == 522;
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }
}
