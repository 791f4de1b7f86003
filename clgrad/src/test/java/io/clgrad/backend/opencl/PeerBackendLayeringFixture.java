package io.clgrad.backend.opencl;

import io.clgrad.backend.cpu.CpuBackend;

/**
 * A deliberate layering violation for {@code LayeringTest}: one backend using the other (they are
 * peers below the SPI). Never used; test classes are left out of the real check.
 */
final class PeerBackendLayeringFixture {
    private PeerBackendLayeringFixture() {
    }

    static String name(CpuBackend cpu) {
        return cpu.id();
    }
}
