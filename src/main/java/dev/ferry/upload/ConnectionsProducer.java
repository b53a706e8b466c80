package dev.ferry.upload;

import dev.ferry.ftps.Causes;
import dev.ferry.ftps.Connection;
import dev.ferry.ftps.TargetPool;
import dev.ferry.ftps.TargetUnavailableException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFileProducer;
import org.apache.camel.component.file.remote.RemoteFileProducer;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.commons.net.ftp.FTPFile;

/**
 * Sends each file on a connection of the route's share, with camel-ftp's own producer bound to that connection's
 * client (made on the connection's first upload, closed with it): camel-ftp's producer is not thread-safe, so each
 * of the route's uploads under way has a connection and a producer of its own. The connection goes back to the
 * route's share after the upload, whatever its outcome.
 */
final class ConnectionsProducer extends GenericFileProducer<FTPFile> {

    private final FerryFtpsEndpoint endpoint;
    private final TargetPool.Share connections;

    ConnectionsProducer(FerryFtpsEndpoint endpoint, TargetPool.Share connections) {
        // no operations of its own: each connection's camel-ftp producer has them
        super(endpoint, null);
        this.endpoint = endpoint;
        this.connections = connections;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            upload(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            callback.done(true);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private void upload(Exchange exchange) throws Exception {
        Connection connection = connections.acquire();
        try {
            RemoteFileProducer<FTPFile> producer = connection.attachment(RemoteFileProducer.class, () -> {
                RemoteFileProducer<FTPFile> made = endpoint.producerOn(connection.client());
                ServiceHelper.startService(made);
                return made;
            });
            // camel-ftp's producer works synchronously: it is done when this returns
            producer.process(exchange, doneSync -> {
            });
            Exception failure = exchange.getException();
            if (failure == null) {
                exchange.setProperty(FerryFtpsEndpoint.TRANSFER, connection.client().report().transfer());
            } else if (Causes.find(failure, TargetUnavailableException.class).isEmpty()) {
                connections.uploadFailed();
            }
            String reply = connection.client().getReplyString();
            exchange.setProperty(FerryFtpsEndpoint.LAST_REPLY, reply == null ? null : reply.trim());
        } finally {
            connections.release(connection);
        }
    }

    /** The route stops: its connections are closed (camel-ftp's producers first, with their QUIT). */
    @Override
    protected void doStop() throws Exception {
        connections.close();
        super.doStop();
    }
}
