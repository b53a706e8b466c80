package dev.ferry.route;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link TransferFamilyRouteTest} against the packaged application, as an operator runs it. */
@QuarkusIntegrationTest
@QuarkusTestResource(value = TransferFamilyRouteTest.Twin.class, restrictToAnnotatedClass = true)
class TransferFamilyRouteIT extends TransferFamilyRouteTest {
}
