package dev.ferry.upload;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.apache.camel.component.file.GenericFileConfiguration;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.remote.FtpConfiguration;
import org.apache.camel.component.file.remote.FtpEndpoint;
import org.apache.camel.component.file.remote.FtpsConfiguration;
import org.apache.camel.component.file.remote.FtpsEndpoint;
import org.apache.camel.component.file.remote.RemoteFileConfiguration;
import org.apache.camel.component.file.remote.RemoteFileEndpoint;

/**
 * For a native image: Camel sets a {@code ferry-ftps:} endpoint's options (those of {@code ftps:}) through their
 * setters, found by reflection, as no configurer is generated for a component of Ferry's own. On the JVM this class
 * does nothing.
 */
@RegisterForReflection(targets = {FerryFtpsEndpoint.class, FtpsEndpoint.class, FtpEndpoint.class,
        RemoteFileEndpoint.class, GenericFileEndpoint.class, FtpsConfiguration.class, FtpConfiguration.class,
        RemoteFileConfiguration.class, GenericFileConfiguration.class})
final class NativeReflection {

    private NativeReflection() {
    }
}
