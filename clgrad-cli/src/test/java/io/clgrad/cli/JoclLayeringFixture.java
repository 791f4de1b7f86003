package io.clgrad.cli;

import org.jocl.CL;

/**
 * A deliberate layering violation for {@code CliLayeringTest}: JOCL used from the CLI module,
 * outside {@code backend.opencl}. Never used; test classes are left out of the real check.
 */
final class JoclLayeringFixture {
    private JoclLayeringFixture() {
    }

    static void exceptions() {
        CL.setExceptionsEnabled(true);
    }
}
