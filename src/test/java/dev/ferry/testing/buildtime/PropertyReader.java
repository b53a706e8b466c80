package dev.ferry.testing.buildtime;

/** Declares the method {@link ReadsThroughAnInheritedMethod} calls as its own. */
public class PropertyReader {

    static String home() {
        return System.getProperty("user.home");
    }
}
