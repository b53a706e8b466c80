package dev.ferry.route;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

/**
 * The one route template every file in {@code routes/} instantiates; {@link FailureHandling} decides what a failure
 * means. Parameters a route file sets are listed in {@link UploadParameters}; the options built from
 * them ({@code fileOptions}, {@code ftpsOptions}, the {@code delivery} bean) are set by Ferry, never by hand.
 */
@ApplicationScoped
public class FtpsUploadTemplate extends RouteBuilder {

    public static final String TEMPLATE_ID = "ftps-upload";

    @Override
    public void configure() {
        routeTemplate(TEMPLATE_ID)
                .templateParameter(UploadParameters.SOURCE, null, "Local directory to pick files up from")
                .templateParameter(UploadParameters.TARGET, null, "Name of a target (ferry.targets.<name>)")
                .templateParameter(UploadParameters.REMOTE_DIR, null, "Remote directory; created when missing")
                .templateOptionalParameter(UploadParameters.INCLUDE, "File-name glob, e.g. *.csv; default: every file")
                .templateOptionalParameter(UploadParameters.RECURSIVE, "true: also pick up files in subdirectories")
                .templateOptionalParameter(UploadParameters.ARCHIVE, "Where delivered files go; default <source>/.archive")
                .templateOptionalParameter(UploadParameters.FAILED, "Where files that failed every attempt go; default <source>/.failed")
                .templateOptionalParameter(UploadParameters.STABLE_FOR, "How long a file must be unchanged before pickup; default 1s")
                .templateOptionalParameter(UploadParameters.DELIVERY, "set by Ferry")
                .templateOptionalParameter(UploadParameters.FILE_OPTIONS, "set by Ferry")
                .templateOptionalParameter(UploadParameters.FTPS_ENDPOINT, "set by Ferry")
                .from("file:{{" + UploadParameters.SOURCE + "}}?{{" + UploadParameters.FILE_OPTIONS + "}}")
                    .routeConfigurationId(FailureHandling.CONFIGURATION_ID)
                    .setProperty(Delivery.PROPERTY, constant("{{" + UploadParameters.DELIVERY + "}}"))
                    .to("bean:{{" + UploadParameters.DELIVERY + "}}?method=beforeUpload")
                    .filter(exchangeProperty(Delivery.ALREADY_DELIVERED).isNull())
                        .to("{{" + UploadParameters.FTPS_ENDPOINT + "}}")
                        .to("bean:{{" + UploadParameters.DELIVERY + "}}?method=uploaded")
                    .end()
                    .to("bean:{{" + UploadParameters.DELIVERY + "}}?method=archive");
    }
}
