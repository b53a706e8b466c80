package dev.ferry.route;

import java.nio.charset.StandardCharsets;

/** The remote name a file is uploaded under before it is renamed into place ({@code temp-rename} mode). */
public final class TemporaryName {

    /** The longest file name most servers' file systems take, in bytes. */
    private static final int MAX_NAME_BYTES = 255;

    private TemporaryName() {
    }

    /**
     * {@code .<name>.<route>.ferry-part} in the same remote directory: the same on every attempt, so a later attempt
     * replaces what a crash left, and never another route's, so two routes sending one name to one directory do not
     * write into each other's upload. The route id stands in the name when it is short and plain, else its CRC-32;
     * for names too long for that, {@code .ferry-<crc32 of the name>-<route>.part}.
     */
    public static String of(String name, String routeId) {
        String route = routeId.matches("[A-Za-z0-9_-]{1,40}") ? routeId : DeliveryRecord.crc(routeId);
        String readable = "." + name + "." + route + ".ferry-part";
        if (readable.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return readable;
        }
        return ".ferry-" + DeliveryRecord.crc(name) + "-" + DeliveryRecord.crc(routeId) + ".part";
    }
}
