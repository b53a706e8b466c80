package dev.ferry.ftps;

import java.net.Socket;

/**
 * A plain data socket that reports the control connection's port. The JDK looks up a client TLS session to resume
 * by the peer's host and port, and an {@code SSLSocket} layered over a connected socket takes the port from that
 * socket, so a data socket reporting its real port would never find the control session. Public API only, so it
 * also works in a native image (unlike the reflective session-cache hacks around Commons Net NET-408).
 */
final class SessionKeySocket extends Socket {

    private final int sessionPort;

    SessionKeySocket(int sessionPort) {
        this.sessionPort = sessionPort;
    }

    @Override
    public int getPort() { return isConnected() ? sessionPort : super.getPort(); }
}
