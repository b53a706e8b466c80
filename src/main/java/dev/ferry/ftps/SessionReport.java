package dev.ferry.ftps;

/**
 * What one client's session has shown so far, in one place: what {@code ferry check} prints and the route's log line
 * reads. Each part is {@code null} until it happened.
 *
 * @param passiveReply the server's last EPSV or PASV reply
 * @param dataChannel  the last data connection opened: where to, its TLS version, whether it resumed the session
 * @param transfer     the last upload that succeeded
 */
public record SessionReport(String passiveReply, DataChannel dataChannel, TransferReport transfer) {
}
