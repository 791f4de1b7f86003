package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.backend.opencl.OpenClBackend;

/**
 * A deliberate layering violation for {@code LayeringTest}: a CLI class using a concrete backend class
 * (as {@code TuneCommand} once did to reach the OpenCL matmul tuner) instead of the SPI. Never used;
 * test classes are left out of the real check.
 */
final class ConcreteBackendLayeringFixture {
    private ConcreteBackendLayeringFixture() {
    }

    static boolean isOpenCl(Device d) {
        return d.backend() instanceof OpenClBackend;
    }
}
