package dev.ferry.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;

/** One FTPS server: {@code ferry.targets.<name>.<key>}. */
public interface TargetConfig {

    /**
     * Host name of the server, e.g. {@code ftps-internal.example.site}; its certificate must match it. Host names and
     * IPv4/IPv6 literals only: nothing that could change the meaning of the endpoint URI it goes into.
     */
    @NotBlank(message = "is empty: set it to the server's host name")
    @Pattern(regexp = "[A-Za-z0-9._:\\[\\]-]*", message = "is not a host name or IP address (ASCII letters, digits, "
            + "'.', '-', ':'; an international name in its xn-- form)")
    String host();

    /** Control port (explicit FTPS: the client sends AUTH TLS on a plain connection). */
    @WithDefault("21")
    @Min(value = 1, message = "must be a TCP port (1-65535)")
    @Max(value = 65535, message = "must be a TCP port (1-65535)")
    int port();

    /** User name to log in with. */
    @Pattern(regexp = "[^\\r\\n\\x00]*", message = "holds a line break: it would reach the server as a further "
            + "command")
    String username();

    /**
     * A file holding the password alone (trailing line breaks are ignored; a line break inside is refused, as it would
     * end the PASS command), read at each login so a rotated secret is picked up; systemd credentials
     * ({@code $CREDENTIALS_DIRECTORY/...}) fit here. Ferry warns when every user of the host may read it. Takes
     * precedence over {@code password}.
     */
    Optional<Path> passwordFile();

    /** The password itself, for use with an environment placeholder ({@code ${FTP_PASSWORD}}); never logged. */
    Optional<String> password();

    /**
     * Certificates to trust: a PEM file of CA or server certificates, or a PKCS12 keystore ({@code .p12},
     * {@code .pfx}). Default: the JDK's trusted CAs.
     */
    Optional<Path> trustStore();

    /** Password of a PKCS12 trust store, if it has one. */
    Optional<String> trustStorePassword();

    /** TLS versions offered, e.g. {@code TLSv1.2,TLSv1.3}; nothing older than TLS 1.2 is accepted. */
    @WithDefault("TLSv1.2,TLSv1.3")
    List<String> tlsVersions();

    /** How long to wait for the control or a data connection to open. */
    @WithDefault("30s")
    Duration connectTimeout();

    /**
     * How long a read on the control or a data connection may wait for the server before the attempt fails; also the
     * longest a whole reply or TLS handshake may take, so a server trickling a byte at a time cannot hold a route.
     */
    @WithDefault("60s")
    Duration dataTimeout();

    /**
     * Extra time, per GiB of the file, that the server may take to confirm a file's own commands (the reply after
     * its {@code STOR}, its {@code SIZE}, its {@code RNFR}/{@code RNTO}), on top of {@code data-timeout}: an
     * S3-backed server (AWS Transfer Family) copies the whole object for a rename and answers when the copy is done.
     * A confirmation later than that spends one of the file's attempts; it never pauses the target, since the server
     * is slow, not gone.
     */
    @WithDefault("2m")
    Duration confirmTimePerGib();

    /**
     * While no file goes to the target, how often its state is checked: a {@code NOOP} on an idle connection (which
     * also keeps the server's idle timeout from closing it), or, with none open, a TCP connection and TLS handshake
     * without a login. Readiness goes DOWN when the target cannot be reached and UP when it can again. {@code 0}
     * turns the check off.
     */
    @WithDefault("30s")
    Duration idleCheck();

    /**
     * Which address to open a data connection to after PASV: {@code auto} (the reply's address unless it is
     * 0.0.0.0, loopback or carrier-grade NAT (100.64.0.0/10) while the control connection's is not, or private while
     * the control connection's is not), {@code control} (always the control connection's address) or {@code reply}.
     * EPSV replies carry no address and always use the control connection's.
     */
    @WithDefault("auto")
    PassiveAddress passiveAddress();

    /**
     * What keeps the server's files: {@code file} (a file system: vsftpd, ProFTPD, pure-ftpd, AWS Transfer Family on
     * EFS; a rename is cheap and atomic) or {@code s3} (AWS Transfer Family on S3, or any server storing into S3: a
     * rename is a copy of the whole object and a delete, and a managed workflow starts on every name a file is
     * uploaded under). It sets the default {@code upload-mode}: {@code temp-rename} for {@code file}, {@code direct}
     * for {@code s3}, as AWS advises for S3-backed servers.
     */
    @WithDefault("file")
    Storage storage();

    /**
     * {@code temp-rename}: upload under a temporary dot-name in the same directory, then rename, so no partial file is
     * ever visible under its final name; {@code direct}: one {@code STOR} to the final name, then its {@code SIZE}
     * (on S3 nothing is visible before the upload ends, and a managed workflow starts once, on the final name). In
     * direct mode an upload that fails part-way, or whose size does not match, is deleted ({@code DELE}) before the
     * next attempt, so nothing is left under the final name when Ferry gives up. Default: set by {@code storage}.
     */
    Optional<UploadMode> uploadMode();

    /**
     * Whether commands that do not depend on each other's replies are sent together, saving round trips on a server
     * that answers slowly (one that writes to S3 before it answers): the passive request ({@code EPSV}) for the next
     * upload goes with a file's last command ({@code SIZE} in direct mode, the rename otherwise), and {@code RNTO}
     * goes with {@code RNFR}. Nothing is sent ahead whose meaning depends on a reply not yet read: the rename is sent
     * only after {@code SIZE} confirmed the upload, an {@code RNTO} after a refused {@code RNFR} is refused by the
     * server as out of sequence, and a passive port that is gone by the next upload is asked for again. Turn it off
     * for a server that misreads commands sent together.
     */
    @WithDefault("true")
    boolean pipelining();

    /** Size of the buffer each upload streams through. */
    @WithDefault("256K")
    MemorySize bufferSize();

    /**
     * How many connections Ferry may hold to this server at once, each with its own control connection and TLS
     * session, each uploading one file at a time. The target's routes share them: a route holds at most
     * {@code max-connections} of them, or one less when other routes ship to the same target, so a busy route never
     * takes the last one; a route that needs one closes an idle one of another route. {@code 1} sends the files of a
     * route one after the other, oldest first; with more, files are sent side by side and may arrive in any order.
     */
    @WithDefault("4")
    @Min(value = 1, message = "must be 1 or more")
    @Max(value = 256, message = "must be 256 or less")
    int maxConnections();

    enum PassiveAddress {
        AUTO, CONTROL, REPLY
    }

    enum UploadMode {
        TEMP_RENAME, DIRECT
    }

    enum Storage {
        FILE, S3
    }
}
