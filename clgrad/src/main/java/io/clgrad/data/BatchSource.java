package io.clgrad.data;

import io.clgrad.Tensor;

/** The batches of one epoch, built on demand by index: what a {@link BatchIterator} walks through. */
interface BatchSource {
    /** The number of batches in the epoch. */
    int count();

    /** Builds batch {@code b} ({@code 0 <= b < count()}); may run on the prefetch thread. */
    Tensor[] batch(int b);
}
