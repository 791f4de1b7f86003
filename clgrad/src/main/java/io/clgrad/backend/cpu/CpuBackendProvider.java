package io.clgrad.backend.cpu;

import io.clgrad.backend.AbstractBackendProvider;
import io.clgrad.backend.Backend;
import java.util.List;

/**
 * Provides the one pure-Java CPU backend (family "cpu"); it needs nothing from the machine, so
 * discovery always succeeds. Listed in {@code META-INF/services/io.clgrad.backend.BackendProvider}.
 */
public final class CpuBackendProvider extends AbstractBackendProvider {

    /** Creates the provider of family "cpu" (ServiceLoader needs a public no-argument constructor). */
    public CpuBackendProvider() {
        super("cpu");
    }

    /** One {@link CpuBackend} with the configured thread count. */
    @Override
    public List<Backend> discover(List<String> problems) {
        return List.of(new CpuBackend());
    }
}
