package io.clgrad.nn;

import io.clgrad.data.Dataset;

/**
 * A deliberate layering violation for {@code LayeringTest}: {@code nn} reaching up into {@code data}.
 * Never used; test classes are left out of the real check.
 */
final class UpwardLayeringFixture {
    private UpwardLayeringFixture() {
    }

    static int size(Dataset<?> data) {
        return data.size();
    }
}
