package io.clgrad.data;

import io.clgrad.data.transforms.ToTensor;

/**
 * A deliberate package cycle for {@code LayeringTest}: {@code data} using {@code data.transforms},
 * which uses {@code data} (as the MNIST readers' default transform once did). Never used; test
 * classes are left out of the real check.
 */
final class CycleLayeringFixture {
    static final ToTensor DEFAULT = new ToTensor();

    private CycleLayeringFixture() {
    }
}
