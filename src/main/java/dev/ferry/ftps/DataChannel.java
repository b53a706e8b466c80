package dev.ferry.ftps;

import java.net.InetSocketAddress;

/**
 * One data connection as it was opened: the server's passive reply (EPSV or PASV), the address Ferry connected to
 * after {@code passive-address} was applied, its TLS version and whether it resumed the control connection's session.
 */
public record DataChannel(String passiveReply, InetSocketAddress endpoint, String protocol, boolean resumed) {

    /** The address connected to, as {@code host:port}. */
    public String address() {
        return endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort();
    }
}
