package dev.ferry.testing.buildtime;

/** A system property read by a static method the class inherits (javac names this class as the call's owner). */
public final class ReadsThroughAnInheritedMethod extends PropertyReader {

    static final String HOME = home();

    private ReadsThroughAnInheritedMethod() {
    }
}
