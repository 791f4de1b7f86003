package io.clgrad.backend.cpu;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BackendProvider;
import java.util.List;

/**
 * Provides the one pure-Java CPU backend (family "cpu"); it needs nothing from the machine, so
 * discovery always succeeds. Listed in {@code META-INF/services/io.clgrad.backend.BackendProvider}.
 */
public final class CpuBackendProvider implements BackendProvider {

    /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
    public CpuBackendProvider() {
    }

    /** Returns "cpu". */
    @Override
    public String family() {
        return "cpu";
    }

    /** One {@link CpuBackend} with the configured thread count. */
    @Override
    public List<Backend> discover(List<String> problems) {
        return List.of(new CpuBackend());
    }
}
