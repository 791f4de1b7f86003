package io.clgrad.backend;

import java.util.List;

/**
 * Discovers the devices of one backend family. Implementations are listed in
 * {@code META-INF/services/io.clgrad.backend.BackendProvider} and found with {@link java.util.ServiceLoader}.
 */
public interface BackendProvider {

    /** Short family name: "cpu", "opencl". */
    String family();

    /**
     * Finds and initialises this family's devices. A device that fails to initialise is not
     * returned; instead a human-readable reason is added to {@code problems} (and logged).
     */
    List<Backend> discover(List<String> problems);
}
