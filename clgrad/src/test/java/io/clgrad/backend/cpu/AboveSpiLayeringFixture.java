package io.clgrad.backend.cpu;

import io.clgrad.Tensor;

/**
 * A deliberate layering violation for {@code LayeringTest}: a backend reaching above the SPI into the
 * core ({@code Tensor}). Never used; test classes are left out of the real check.
 */
final class AboveSpiLayeringFixture {
    private AboveSpiLayeringFixture() {
    }

    static int count(Tensor t) {
        return t.numel();
    }
}
