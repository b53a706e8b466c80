package dev.ferry.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the field of a {@code @QuarkusTest} (and of the {@code @QuarkusIntegrationTest} that extends it) that its test
 * resource fills with the server it started: the resource owns the server, the test only uses it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectServer {
}
