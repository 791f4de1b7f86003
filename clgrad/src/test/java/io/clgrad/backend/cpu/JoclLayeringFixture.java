package io.clgrad.backend.cpu;

import org.jocl.CL;

/**
 * A deliberate layering violation for {@code LayeringTest}: JOCL used outside
 * {@code backend.opencl}. Never used; test classes are left out of the real check.
 */
final class JoclLayeringFixture {
    private JoclLayeringFixture() {
    }

    static void exceptions() {
        CL.setExceptionsEnabled(true);
    }
}
