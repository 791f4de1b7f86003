package io.clgrad.data;

import io.clgrad.backend.ElementType;

/**
 * A deliberate layering violation for {@code LayeringTest}: {@code data} skipping the core to use the
 * backend SPI. Never used; test classes are left out of the real check.
 */
final class SpiLayeringFixture {
    static final ElementType TYPE = ElementType.F32;

    private SpiLayeringFixture() {
    }
}
