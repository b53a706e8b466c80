package dev.ferry.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.command.CommandFactoryFactory;
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
 */
public final class EmbeddedFtpsServer implements AutoCloseable {

    private final FtpServer server;
    private final SessionReuseEnforcer enforcer;
    private final CommandRules rules;
    private final int port;

    private EmbeddedFtpsServer(FtpServer server, SessionReuseEnforcer enforcer, CommandRules rules, int port) {
        this.server = server;
        this.enforcer = enforcer;
        this.rules = rules;
        this.port = port;
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

    /** Answer PROT P with 536, as a server that only transfers data in clear would. */
    public void refuseProtP(boolean refuse) {
        rules.refuseProtP(refuse);
    }

    /** Every command name clients have sent so far. */
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
        private String passivePorts = "0";
        private String username = "ferry";
        private String password = "ferry";
        private Path keyStore;
        private String keyStorePassword = TestCertificates.PASSWORD;
        private List<String> protocols = List.of("TLSv1.2", "TLSv1.3");
        private boolean requireSessionReuse = true;
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

        public Builder requireSessionReuse(boolean require) {
            this.requireSessionReuse = require;
            return this;
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
            SessionReuseEnforcer enforcer = new SessionReuseEnforcer(requireSessionReuse);

            SslConfiguration ssl = enforcer.wrap(sslConfiguration(keyStore));

            DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
            data.setPassivePorts(passivePorts);
            data.setPassiveAddress("127.0.0.1");
            data.setActiveEnabled(false);
            if (passiveReplyAddress != null) {
                data.setPassiveExternalAddress(passiveReplyAddress);
            }
            data.setSslConfiguration(dataKeyStore == null ? ssl : enforcer.wrap(sslConfiguration(dataKeyStore)));

            ListenerFactory listener = new ListenerFactory();
            listener.setServerAddress("127.0.0.1");
            listener.setPort(port);
            listener.setSslConfiguration(ssl);
            listener.setImplicitSsl(false);
            listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());

            CommandFactoryFactory commands = new CommandFactoryFactory();
            enforcer.install(commands);

            PropertiesUserManagerFactory users = new PropertiesUserManagerFactory();
            users.setPasswordEncryptor(new ClearTextPasswordEncryptor());
            FtpServerFactory factory = new FtpServerFactory();
            factory.setUserManager(users.createUserManager());
            factory.addListener("default", listener.createListener());
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
            return new EmbeddedFtpsServer(server, enforcer, rules, actualPort);
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
