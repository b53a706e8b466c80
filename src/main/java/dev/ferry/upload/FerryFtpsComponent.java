package dev.ferry.upload;

import java.net.URI;
import java.util.Map;

import dev.ferry.ftps.TargetPool;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.remote.FtpsComponent;
import org.apache.camel.component.file.remote.FtpsComponentConfigurer;
import org.apache.camel.component.file.remote.FtpsConfiguration;
import org.apache.camel.component.file.remote.FtpsEndpointConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.commons.net.ftp.FTPFile;

/**
 * camel-ftp's {@code ftps} component with Ferry's connections: {@code ferry-ftps:host:port?connections=#bean}
 * takes every option of {@code ftps:} and the remote directory of the route's connections, and uploads each file on
 * one of the route's {@link TargetPool.Share} (its own {@link dev.ferry.ftps.FtpsClient} each) instead of one client
 * per endpoint.
 */
public class FerryFtpsComponent extends FtpsComponent {

    public static final String SCHEME = "ferry-ftps";

    @Override
    protected GenericFileEndpoint<FTPFile> buildFileEndpoint(String uri, String remaining,
            Map<String, Object> parameters) throws Exception {
        TargetPool.Share connections = resolveAndRemoveReferenceParameter(parameters, "connections",
                TargetPool.Share.class);
        if (connections == null) {
            throw new IllegalArgumentException(SCHEME + " needs connections=#<the route's connections>: " + uri);
        }
        // as camel-ftp's own FtpsComponent builds its endpoint; Ferry's client reads no key or trust store options
        FtpsConfiguration config = new FtpsConfiguration(new URI(getBaseUri(uri)));
        // the remote directory travels whole with the route's connections, never through the URI, so no character
        // of its name can change the endpoint's meaning; camel-ftp takes it relative (RemoteDir.absolute: the
        // connections start at /)
        config.setDirectory(connections.remoteDir().path());
        FerryFtpsEndpoint endpoint = new FerryFtpsEndpoint(uri, this, config, connections);
        extractAndSetFtpClientConfigParameters(parameters, endpoint);
        extractAndSetFtpClientParameters(parameters, endpoint);
        return endpoint;
    }

    @Override
    public PropertyConfigurer getComponentPropertyConfigurer() { return new FtpsComponentConfigurer(); }

    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() { return new FtpsEndpointConfigurer(); }
}
