package io.clgrad.data;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests in other packages write small MNIST-format splits (see {@link MnistLabelRangeTest}). */
public final class MnistLabelRangeTestAccess {
    private MnistLabelRangeTestAccess() {
    }

    /** Writes {@code <prefix>-images/labels} IDX files of blank images with the given labels into {@code dir}. */
    public static void writeSplit(Path dir, String prefix, int... labels) throws IOException {
        MnistLabelRangeTest.writeSplit(dir, prefix, labels);
    }
}
