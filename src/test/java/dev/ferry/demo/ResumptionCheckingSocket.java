package dev.ferry.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;

import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A server-side data socket that, once its handshake is done, refuses the connection unless its TLS session was
 * resumed from the control connection's. FtpServer runs the handshake on the thread executing the transfer command,
 * which is where {@link SessionReuseEnforcer} leaves the control session; everything else is delegated.
 */
final class ResumptionCheckingSocket extends SSLSocket {

    private final SSLSocket delegate;
    private final SSLSession control;
    private final SessionReuseEnforcer enforcer;

    ResumptionCheckingSocket(SSLSocket delegate, SSLSession control, SessionReuseEnforcer enforcer) {
        this.delegate = delegate;
        this.control = control;
        this.enforcer = enforcer;
    }

    @Override
    public void startHandshake() throws IOException {
        delegate.startHandshake();
        boolean resumed = resumedFrom(delegate.getSession(), control);
        if (!enforcer.dataConnection(resumed)) {
            delegate.close();
            throw new SessionNotResumedException();
        }
    }

    /**
     * The JDK copies the original session's creation time and peer into every session resumed from it, by session ID
     * or by ticket; a full handshake shows the current time and the client's data port. Observed, not documented:
     * the tests that expect Camel's stock client to be refused keep this honest.
     */
    static boolean resumedFrom(SSLSession data, SSLSession control) {
        return data.getCreationTime() == control.getCreationTime()
                && String.valueOf(data.getPeerHost()).equals(String.valueOf(control.getPeerHost()))
                && data.getPeerPort() == control.getPeerPort()
                && data.getProtocol().equals(control.getProtocol())
                && data.getCipherSuite().equals(control.getCipherSuite());
    }

    static final class SessionNotResumedException extends SocketException {

        SessionNotResumedException() {
            super("Data connection must use cached TLS session");
        }
    }

    // --- delegation -------------------------------------------------------------------------------------------

    @Override
    public String[] getSupportedCipherSuites() { return delegate.getSupportedCipherSuites(); }
    @Override
    public String[] getEnabledCipherSuites() { return delegate.getEnabledCipherSuites(); }
    @Override
    public void setEnabledCipherSuites(String[] suites) {
        delegate.setEnabledCipherSuites(suites);
    }
    @Override
    public String[] getSupportedProtocols() { return delegate.getSupportedProtocols(); }
    @Override
    public String[] getEnabledProtocols() { return delegate.getEnabledProtocols(); }
    @Override
    public void setEnabledProtocols(String[] protocols) {
        delegate.setEnabledProtocols(protocols);
    }
    @Override
    public SSLSession getSession() { return delegate.getSession(); }
    @Override
    public SSLSession getHandshakeSession() { return delegate.getHandshakeSession(); }
    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener l) {
        delegate.addHandshakeCompletedListener(l);
    }
    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener l) {
        delegate.removeHandshakeCompletedListener(l);
    }
    @Override
    public void setUseClientMode(boolean mode) {
        delegate.setUseClientMode(mode);
    }
    @Override
    public boolean getUseClientMode() { return delegate.getUseClientMode(); }
    @Override
    public void setNeedClientAuth(boolean need) {
        delegate.setNeedClientAuth(need);
    }
    @Override
    public boolean getNeedClientAuth() { return delegate.getNeedClientAuth(); }
    @Override
    public void setWantClientAuth(boolean want) {
        delegate.setWantClientAuth(want);
    }
    @Override
    public boolean getWantClientAuth() { return delegate.getWantClientAuth(); }
    @Override
    public void setEnableSessionCreation(boolean flag) {
        delegate.setEnableSessionCreation(flag);
    }
    @Override
    public boolean getEnableSessionCreation() { return delegate.getEnableSessionCreation(); }
    @Override
    public SSLParameters getSSLParameters() { return delegate.getSSLParameters(); }
    @Override
    public void setSSLParameters(SSLParameters parameters) {
        delegate.setSSLParameters(parameters);
    }
    @Override
    public InputStream getInputStream() throws IOException { return delegate.getInputStream(); }
    @Override
    public OutputStream getOutputStream() throws IOException { return delegate.getOutputStream(); }
    @Override
    public void close() throws IOException {
        delegate.close();
    }
    @Override
    public boolean isClosed() { return delegate.isClosed(); }
    @Override
    public boolean isConnected() { return delegate.isConnected(); }
    @Override
    public boolean isBound() { return delegate.isBound(); }
    @Override
    public InetAddress getInetAddress() { return delegate.getInetAddress(); }
    @Override
    public int getPort() { return delegate.getPort(); }
    @Override
    public InetAddress getLocalAddress() { return delegate.getLocalAddress(); }
    @Override
    public int getLocalPort() { return delegate.getLocalPort(); }
    @Override
    public SocketAddress getRemoteSocketAddress() { return delegate.getRemoteSocketAddress(); }
    @Override
    public SocketAddress getLocalSocketAddress() { return delegate.getLocalSocketAddress(); }
    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        delegate.setSoTimeout(timeout);
    }
    @Override
    public int getSoTimeout() throws SocketException { return delegate.getSoTimeout(); }
    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        delegate.setTcpNoDelay(on);
    }
    @Override
    public boolean getTcpNoDelay() throws SocketException { return delegate.getTcpNoDelay(); }
    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        delegate.setSoLinger(on, linger);
    }
    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        delegate.setKeepAlive(on);
    }
    @Override
    public void setSendBufferSize(int size) throws SocketException {
        delegate.setSendBufferSize(size);
    }
    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        delegate.setReceiveBufferSize(size);
    }
    @Override
    public void shutdownInput() throws IOException {
        delegate.shutdownInput();
    }
    @Override
    public void shutdownOutput() throws IOException {
        delegate.shutdownOutput();
    }
    @Override
    public boolean isInputShutdown() { return delegate.isInputShutdown(); }
    @Override
    public boolean isOutputShutdown() { return delegate.isOutputShutdown(); }
    @Override
    public String toString() {
        return "resumption-checked " + delegate;
    }
}
