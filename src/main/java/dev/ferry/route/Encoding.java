package dev.ferry.route;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM decodes file names with the encoding of the locale it started in ({@code sun.jnu.encoding}), and with
 * {@code LANG} unset, as minimal systemd units and {@code env -i} have it, that is ASCII: every non-ASCII name then
 * fails to open. Nothing set later (not even {@code -Dsun.jnu.encoding}) changes it, so Ferry says so at start-up.
 */
final class Encoding {

    private static final Logger LOG = LoggerFactory.getLogger(Encoding.class);

    private Encoding() {
    }

    static boolean fileNamesAreUtf8() {
        String jnu = System.getProperty("sun.jnu.encoding", "UTF-8");
        return Charset.isSupported(jnu) && Charset.forName(jnu).equals(StandardCharsets.UTF_8);
    }

    /** What to do about a name the JVM cannot decode. */
    static String advice() {
        return fileNamesAreUtf8()
                ? "Rename it to valid UTF-8 (for example convmv -f latin1 -t utf8 --notest <file>) and it is picked up"
                : "File names are read as " + System.getProperty("sun.jnu.encoding")
                        + " because the locale is not UTF-8: start Ferry"
                        + " with LANG=C.UTF-8 (in the systemd unit: Environment=LANG=C.UTF-8)";
    }

    static void warnIfNotUtf8() {
        if (!fileNamesAreUtf8()) {
            LOG.warn(
                    "File names are decoded as {} (LANG={}, LC_ALL={}): files whose names are not plain ASCII cannot "
                            + "be opened and will"
                            + " not be delivered. Start Ferry with LANG=C.UTF-8 (in the systemd unit: "
                            + "Environment=LANG=C.UTF-8)",
                    System.getProperty("sun.jnu.encoding"), System.getenv("LANG"), System.getenv("LC_ALL"));
        }
    }
}
