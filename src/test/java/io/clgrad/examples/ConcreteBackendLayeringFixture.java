package io.clgrad.examples;

import io.clgrad.backend.cpu.CpuBackend;

/**
 * A deliberate layering violation for {@code LayeringTest}: an example building a concrete backend
 * instead of choosing a device ({@code Device.cpu()}). Never used; test classes are left out of the
 * real check.
 */
final class ConcreteBackendLayeringFixture {
    private ConcreteBackendLayeringFixture() {
    }

    static String cpuName() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            return cpu.info().name();
        }
    }
}
