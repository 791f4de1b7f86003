package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.data.MnistLabelRangeTestAccess;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clgrad train} refuses an IDX label outside [0, classes) before training, in one line
 * naming file, index and value (issue 9, item 1: it used to train a ruined model and exit 0).
 */
class BadLabelFileTest {

    @Test
    void fashionMnistLabel250StopsTrainBeforeItStarts(@TempDir Path dir) throws IOException {
        MnistLabelRangeTestAccess.writeSplit(dir, "train", 1, 250, 2, 3);
        MnistLabelRangeTestAccess.writeSplit(dir, "t10k", 1, 2);
        TrainCommandTest.Run r = TrainCommandTest.run("train", "--data", "fashion-mnist", "--data-dir", dir.toString(),
                "--epochs", "1", "--device", "cpu");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("train-labels-idx1-ubyte.gz: label 1 is 250, outside the 10 Fashion-MNIST classes"),
                r.err());
        assertFalse(r.err().contains("\tat "), "stack trace printed: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.out().contains("epoch"), "trained anyway: " + r.out());
    }
}
