package dev.ferry.route;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link PickupTest} against the packaged application, as an operator runs it. */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PickupTest.Server.class, restrictToAnnotatedClass = true)
class PickupIT extends PickupTest {
}
