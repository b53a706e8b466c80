package dev.ferry.route;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DeliveryTest} against the packaged application, as an operator runs it. */
@QuarkusIntegrationTest
@QuarkusTestResource(value = DeliveryTest.ReuseEnforcingServer.class, restrictToAnnotatedClass = true)
class DeliveryIT extends DeliveryTest {
}
