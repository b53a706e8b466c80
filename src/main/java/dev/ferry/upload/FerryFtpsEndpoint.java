package dev.ferry.upload;

import dev.ferry.ftps.FtpsClient;
import dev.ferry.ftps.TargetPool;
import org.apache.camel.component.file.GenericFileProducer;
import org.apache.camel.component.file.remote.FtpsConfiguration;
import org.apache.camel.component.file.remote.FtpsEndpoint;
import org.apache.camel.component.file.remote.FtpsOperations;
import org.apache.camel.component.file.remote.RemoteFileProducer;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;

/**
 * A {@code ferry-ftps:} endpoint: its producer sends each file with camel-ftp's own producer, on a connection of the
 * route's share ({@link ConnectionsProducer}). Consuming from it is not supported: Ferry only uploads.
 */
public class FerryFtpsEndpoint extends FtpsEndpoint {

    /** The exchange property holding the {@link dev.ferry.ftps.TransferReport} of the upload just made. */
    public static final String TRANSFER = "ferryTransfer";
    /** Exchange property: the server's last reply on the upload's connection, once camel-ftp is done with it. */
    public static final String LAST_REPLY = "ferryLastReply";

    private final TargetPool.Share connections;

    FerryFtpsEndpoint(String uri, FerryFtpsComponent component, FtpsConfiguration configuration,
            TargetPool.Share connections) {
        super(uri, component, configuration);
        this.connections = connections;
    }

    @Override
    protected FTPClient createFtpClient() {
        throw new UnsupportedOperationException(
                "a ferry-ftps endpoint uploads on its route's connections; it makes no client of its own");
    }

    /** camel-ftp's producer for this endpoint, on one connection's client (set up as the endpoint's options say). */
    RemoteFileProducer<FTPFile> producerOn(FtpsClient client) {
        if (getBufferSize() > 0) {
            client.setBufferSize(getBufferSize());
        }
        if (getConfiguration().getConnectTimeout() > -1) {
            client.setConnectTimeout(getConfiguration().getConnectTimeout());
        }
        soTimeout = getConfiguration().getSoTimeout();
        dataTimeout = getConfiguration().getTimeout();
        if (dataTimeout > 0) {
            client.setDataTimeout(dataTimeout);
        }
        FtpsOperations operations = new FtpsOperations(client, getFtpClientConfig());
        operations.setEndpoint(this);
        return new OneConnectionProducer(this, operations);
    }

    /** camel-ftp's producer, whose constructor is protected. */
    private static final class OneConnectionProducer extends RemoteFileProducer<FTPFile> {

        OneConnectionProducer(FerryFtpsEndpoint endpoint, FtpsOperations operations) {
            super(endpoint, operations);
        }
    }

    @Override
    protected GenericFileProducer<FTPFile> buildProducer() {
        return new ConnectionsProducer(this, connections);
    }
}
