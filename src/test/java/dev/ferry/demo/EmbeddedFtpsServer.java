package dev.ferry.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ferry.testing.Ports;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.command.CommandFactoryFactory;
import org.apache.ftpserver.command.impl.RNTO;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.ClearTextPasswordEncryptor;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;
import org.apache.ftpserver.usermanager.impl.TransferRatePermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * An Apache FtpServer on 127.0.0.1 speaking explicit FTPS, optionally enforcing TLS session reuse on data
 * connections like AWS Transfer Family: the demo's server and the fast test suite's.
 * <p>
 * {@link Builder#transferFamily(Storage)} makes it a Transfer Family twin: what AWS documents about FTPS servers
 * (TLS 1.2 only, as the security policies list no TLS 1.3 suite; TlsSessionResumptionMode ENFORCED; nine passive
 * ports, 8192-8200 there; an idle timeout of 1,800 s) and about their storage, S3 or EFS ({@link StorageTwin}: uploads
 * invisible until done on S3, partial objects, renames as copies, no rename over an existing file), with a log of
 * what S3 and the managed workflows would see ({@link #storageEvents()}). What the twin cannot know it guesses, and
 * says so where it does: the reply texts, the exact moment a cut upload counts as partial.
 */
public final class EmbeddedFtpsServer implements AutoCloseable {

    /** Where uploads go: see {@link StorageTwin} for what each does. */
    public enum Storage {
        /** Apache FtpServer's own behaviour on a local disk (the default): a rename over a file gets 553. */
        POSIX,
        /** Transfer Family on EFS: files grow in place, renames are atomic moves, never over an existing file. */
        EFS,
        /** Transfer Family on S3: objects appear when their upload ends, renames are a slow copy and a delete. */
        S3
    }

    /** Transfer Family's {@code TlsSessionResumptionMode}: what the server does with data connections' TLS sessions. */
    public enum Resumption {
        /** A data connection that does not resume its control connection's session is refused with 522. */
        ENFORCED,
        /** Resumption is possible, not required: a full handshake is accepted. */
        ENABLED,
        /**
         * The server never resumes: data connections get a TLS context of their own (same certificate), so no
         * control session can be resumed on them, and every full handshake is accepted.
         */
        DISABLED
    }

    private final FtpServer server;
    private final SessionReuseEnforcer enforcer;
    private final CommandRules rules;
    private final StorageTwin storage;
    private final int port;

    private EmbeddedFtpsServer(FtpServer server, SessionReuseEnforcer enforcer, CommandRules rules,
            StorageTwin storage, int port) {
        this.server = server;
        this.enforcer = enforcer;
        this.rules = rules;
        this.storage = storage;
        this.port = port;
    }

    /** What S3 (or EFS) and the managed workflows saw, in order; empty for {@link Storage#POSIX}. */
    public List<StorageEvent> storageEvents() {
        return storage.events();
    }

    /** The events about one key (as {@code in/a.csv}, no leading slash), as key or as the source of a copy. */
    public List<StorageEvent> eventsFor(String key) {
        return storage.events().stream().filter(e -> key.equals(e.key()) || key.equals(e.from())).toList();
    }

    /** The keys whose upload started an OnUpload workflow, in order. */
    public List<String> onUploads() {
        return keys(StorageEvent.Kind.ON_UPLOAD);
    }

    /** The keys whose cut upload started an OnPartialUpload workflow, in order. */
    public List<String> onPartialUploads() {
        return keys(StorageEvent.Kind.ON_PARTIAL_UPLOAD);
    }

    /** Uploads running now on S3 or EFS, by key, with the bytes received so far. */
    public Map<String, Long> uploadsRunning() {
        return storage.running();
    }

    private List<String> keys(StorageEvent.Kind kind) {
        return storage.events().stream().filter(e -> e.kind() == kind).map(StorageEvent::key).toList();
    }

    /** Remote directories (absolute, as clients see them) where writes are refused with 553 from now on. */
    public void readOnly(String... directories) {
        rules.readOnly(List.of(directories));
    }

    /** Keep every RNTO waiting, unanswered, until called with {@code false} (at most 30 s each). */
    public void holdRenames(boolean hold) {
        rules.holdRenames(hold);
    }

    /** Answer every RNTO this much later (then as usual), as an S3-backed server does while it copies the object. */
    public void delayRenames(java.time.Duration delay) {
        rules.delayRenames(delay.toMillis());
    }

    /** How many RNTO commands are being held now. */
    public int renamesHeld() {
        return rules.renamesHeld();
    }

    /** Answer EPSV with 502, as old servers do, so clients fall back to PASV. */
    public void refuseEpsv(boolean refuse) {
        rules.refuseEpsv(refuse);
    }

    /**
     * Accept the next STOR of {@code name} with 150, then close its data connection before the TLS handshake and
     * answer 426: a transfer that fails after the server took the command.
     */
    public void breakDataConnection(String name) {
        rules.breakDataConnection(name);
    }

    /** Answer PROT P with 536, as a server that only transfers data in clear would. */
    public void refuseProtP(boolean refuse) {
        rules.refuseProtP(refuse);
    }

    /**
     * The next {@code times} uploads to a key ending in {@code nameEnd} fail on the server after {@code afterBytes}
     * (twin storage only): answered with 551 (the control connection stays), or with {@code dropSession} the whole
     * session closed without a reply. Either way the bytes that came stay as a partial object.
     */
    public void failUploads(String nameEnd, long afterBytes, int times, boolean dropSession) {
        storage.failUploads(nameEnd, afterBytes, times, dropSession);
    }

    /** The most uploads the server ran at the same time. */
    public int mostConcurrentStores() {
        return rules.mostConcurrentStores();
    }

    /** Every command the server received, in order (command words only). */
    public List<String> commandLog() {
        return rules.commandLog();
    }

    /** The arguments of every STOR, in the order the server received them. */
    public List<String> storeOrder() {
        return rules.storeOrder();
    }

    public Set<String> commandsSeen() {
        return rules.seen();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public SessionReuseEnforcer sessions() {
        return enforcer;
    }

    @Override
    public void close() {
        server.stop();
    }

    public static final class Builder {

        private Path root;
        private int port;
        private String passivePorts;
        private int passivePortCount = 1;
        private String username = "ferry";
        private String password = "ferry";
        private Path keyStore;
        private String keyStorePassword = TestCertificates.PASSWORD;
        private List<String> protocols = List.of("TLSv1.2", "TLSv1.3");
        private Resumption resumption = Resumption.ENFORCED;
        private Storage storage = Storage.POSIX;
        private long copyRate = 200L * 1024 * 1024;
        private Duration idleTimeout;
        private boolean writable = true;
        private String passiveReplyAddress;
        private Path dataKeyStore;
        private int uploadRate;

        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /** 0 picks a free port; {@link EmbeddedFtpsServer#port()} tells which. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** {@code first-last}, or {@code 0} for any free port. */
        public Builder passivePorts(String passivePorts) {
            this.passivePorts = passivePorts;
            return this;
        }

        public Builder user(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder keyStore(Path keyStore, String password) {
            this.keyStore = keyStore;
            this.keyStorePassword = password;
            return this;
        }

        public Builder protocols(String... protocols) {
            this.protocols = List.of(protocols);
            return this;
        }

        /** {@code true}: {@link Resumption#ENFORCED}; {@code false}: {@link Resumption#ENABLED}. */
        public Builder requireSessionReuse(boolean require) {
            return resumption(require ? Resumption.ENFORCED : Resumption.ENABLED);
        }

        public Builder resumption(Resumption resumption) {
            this.resumption = resumption;
            return this;
        }

        /** Where uploads go, {@link Storage#POSIX} unless set. */
        public Builder storage(Storage storage) {
            this.storage = storage;
            return this;
        }

        /** How fast an S3 rename copies the object: it answers after size / rate (200 MiB/s unless set). */
        public Builder copyRate(long bytesPerSecond) {
            this.copyRate = bytesPerSecond;
            return this;
        }

        /** How long a control connection may sit idle (FtpServer's 300 s unless set). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * AWS Transfer Family as documented: TLS 1.2 only, session resumption ENFORCED, nine passive ports (nine free
         * consecutive ones unless {@link #passivePorts} names them), an idle timeout of 1,800 s, and {@code storage}.
         * Any of these can be changed by a later call.
         */
        public Builder transferFamily(Storage storage) {
            this.passivePortCount = 9;
            return protocols("TLSv1.2").resumption(Resumption.ENFORCED).idleTimeout(Duration.ofSeconds(1800))
                    .storage(storage);
        }

        /** {@link #transferFamily(Storage)} with the passive ports {@code first} to {@code first + 8} (0: any free). */
        public Builder transferFamily(Storage storage, int firstPassivePort) {
            transferFamily(storage);
            return firstPassivePort == 0 ? this : passivePorts(firstPassivePort + "-" + (firstPassivePort + 8));
        }

        public Builder writable(boolean writable) {
            this.writable = writable;
            return this;
        }

        /** The address PASV replies announce (0.0.0.0, as Transfer Family may); data still listens on 127.0.0.1. */
        public Builder passiveReplyAddress(String address) {
            this.passiveReplyAddress = address;
            return this;
        }

        /**
         * A different certificate for data connections. They then cannot resume the control session (another TLS
         * context), so only useful with {@code requireSessionReuse(false)}: it shows what a client checks on data.
         */
        public Builder dataConnectionKeyStore(Path keyStore) {
            this.dataKeyStore = keyStore;
            return this;
        }

        /** Limits each upload to this many bytes per second (0: no limit), so a test can act in the middle of one. */
        public Builder uploadRate(int bytesPerSecond) {
            this.uploadRate = bytesPerSecond;
            return this;
        }

        public EmbeddedFtpsServer start() throws IOException, FtpException {
            Files.createDirectories(root);
            SessionReuseEnforcer enforcer = new SessionReuseEnforcer(resumption == Resumption.ENFORCED);

            SslConfiguration ssl = enforcer.wrap(sslConfiguration(keyStore));

            DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
            data.setPassivePorts(passivePorts());
            data.setPassiveAddress("127.0.0.1");
            data.setActiveEnabled(false);
            if (passiveReplyAddress != null) {
                data.setPassiveExternalAddress(passiveReplyAddress);
            }
            if (dataKeyStore != null || resumption == Resumption.DISABLED) {
                // another SslConfiguration is another SSLContext, with a session cache of its own
                data.setSslConfiguration(
                        enforcer.wrap(sslConfiguration(dataKeyStore == null ? keyStore : dataKeyStore)));
            } else {
                data.setSslConfiguration(ssl);
            }

            ListenerFactory listener = new ListenerFactory();
            listener.setServerAddress("127.0.0.1");
            listener.setPort(port);
            listener.setSslConfiguration(ssl);
            listener.setImplicitSsl(false);
            if (idleTimeout != null) {
                listener.setIdleTimeout((int) idleTimeout.toSeconds());
            }
            listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());

            CommandFactoryFactory commands = new CommandFactoryFactory();
            enforcer.install(commands);
            StorageTwin twin = new StorageTwin(storage, root, copyRate);

            PropertiesUserManagerFactory users = new PropertiesUserManagerFactory();
            users.setPasswordEncryptor(new ClearTextPasswordEncryptor());
            FtpServerFactory factory = new FtpServerFactory();
            factory.setUserManager(users.createUserManager());
            factory.addListener("default", listener.createListener());
            if (storage != Storage.POSIX) {
                commands.addCommand("STOR", twin.store(commands.getCommandMap().get("STOR")));
                commands.addCommand("RNTO", twin.renameTo(new RNTO()));
                factory.setFileSystem(twin.fileSystems());
            }
            factory.setCommandFactory(commands.createCommandFactory());
            CommandRules rules = new CommandRules();
            factory.setFtplets(new HashMap<>(Map.of("rules", rules)));

            BaseUser user = new BaseUser();
            user.setName(username);
            user.setPassword(password);
            user.setHomeDirectory(root.toAbsolutePath().toString());
            List<Authority> authorities = new ArrayList<>();
            authorities.add(new ConcurrentLoginPermission(0, 0));
            authorities.add(new TransferRatePermission(0, uploadRate));
            if (writable) {
                authorities.add(new WritePermission());
            }
            user.setAuthorities(authorities);
            factory.getUserManager().save(user);

            FtpServer server = factory.createServer();
            server.start();
            int actualPort = ((DefaultFtpServer) server).getListener("default").getPort();
            return new EmbeddedFtpsServer(server, enforcer, rules, twin, actualPort);
        }

        private String passivePorts() throws IOException {
            if (passivePorts != null) {
                return passivePorts;
            }
            if (passivePortCount == 1) {
                return "0";
            }
            int first = Ports.freeRange(passivePortCount);
            return first + "-" + (first + passivePortCount - 1);
        }

        private SslConfiguration sslConfiguration(Path store) {
            SslConfigurationFactory factory = new SslConfigurationFactory();
            factory.setKeystoreFile(store.toFile());
            factory.setKeystorePassword(keyStorePassword);
            factory.setKeystoreType("PKCS12");
            factory.setSslProtocol(protocols.toArray(String[]::new));
            return factory.createSslConfiguration();
        }
    }
}
