package dev.ferry.ftps;

/** How a name from outside (a local file name, a config value) is shown in a log line, a report or a message. */
public final class Names {

    private Names() {
    }

    /**
     * The name with control characters shown as escapes ({@code \r}, {@code \n}, {@code \x1b}), so that a file name
     * cannot split a log line, the delivery record or a {@code .error} report, nor forge one.
     */
    public static String printable(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x20 && c != 0x7f && c != '\u2028' && c != '\u2029' && c != 0x85) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(name.length() + 8).append(name, 0, i);
            }
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? name : out.toString();
    }

    /** Whether the name holds a character that would end an FTP command line (CR, LF) or a C string (NUL). */
    public static boolean breaksCommandLine(String name) {
        return name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\0') >= 0;
    }
}
