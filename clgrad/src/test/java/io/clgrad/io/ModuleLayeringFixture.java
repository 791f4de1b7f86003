package io.clgrad.io;

import io.clgrad.nn.Module;

/**
 * A deliberate layering violation for {@code LayeringTest}: {@code io} taking a {@code Module} instead
 * of a state-dict map. Never used; test classes are left out of the real check.
 */
final class ModuleLayeringFixture {
    private ModuleLayeringFixture() {
    }

    static int entries(Module<?> model) {
        return model.stateDict().size();
    }
}
