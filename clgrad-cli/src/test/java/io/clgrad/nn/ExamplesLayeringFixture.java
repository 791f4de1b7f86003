package io.clgrad.nn;

import io.clgrad.examples.SimpleNet;

/**
 * A deliberate layering violation for {@code CliLayeringTest}: a library package ({@code nn}) depending on
 * {@code examples}. Never used; test classes are left out of the real check.
 */
final class ExamplesLayeringFixture {
    private ExamplesLayeringFixture() {
    }

    static Module<?> model() {
        return new SimpleNet(1, 1, 1);
    }
}
