package dev.ferry.ftps;

/**
 * What one upload's data connection did: the remote name written, bytes sent, time taken, and whether its TLS session
 * was resumed from the control connection (the thing AWS Transfer Family and vsftpd insist on).
 */
public record TransferReport(String remoteName, long bytes, long millis, boolean sessionResumed, String tlsProtocol) {

    public String resumption() {
        return sessionResumed ? "TLS session resumed" : "TLS session NOT resumed";
    }
}
