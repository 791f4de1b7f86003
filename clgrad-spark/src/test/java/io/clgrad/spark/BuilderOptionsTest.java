package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Linear;
import io.clgrad.optim.SGD;
import org.junit.jupiter.api.Test;

/** The builders of {@link SparkTrainer} and {@link SparkScorer} refuse bad options on the driver, naming them. */
class BuilderOptionsTest {
    private static SparkTrainer.Builder trainer() {
        return SparkTrainer.builder(() -> new Linear(2, 2), CrossEntropyLoss::new, p -> new SGD(p, 0.1));
    }

    private static void refused(String message, Runnable set) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, set::run).getMessage());
    }

    @Test
    void trainerOptionsAreCheckedWhenSet() {
        refused("SparkTrainer: epochs must be at least 1, got 0", () -> trainer().epochs(0));
        refused("SparkTrainer: batch size must be at least 1, got -3", () -> trainer().batchSize(-3));
        refused("SparkTrainer: partitions must be at least 0, got -1", () -> trainer().partitions(-1));
        refused("SparkTrainer: the timeout must be positive, got 0", () -> trainer().timeoutMillis(0));
        refused("SparkTrainer: checkpoint every (steps) must be at least 1, got 0", () -> trainer().checkpoint("/tmp/x", 0));
        assertThrows(IllegalArgumentException.class, () -> trainer().device("no-such-device:x"));
    }

    @Test
    void trainerKeepsWhatWasSet() {
        TrainOptions o = trainer().epochs(3).batchSize(16).partitions(2).timeoutMillis(5).device("cpu")
                .checkpoint("/tmp/ckpt", 7).build().options();
        assertEquals(3, o.epochs());
        assertEquals(16, o.batchSize());
        assertEquals(2, o.partitions());
        assertEquals(5L, o.timeoutMs());
        assertEquals("cpu", o.device().spec());
        assertEquals("/tmp/ckpt", o.checkpointDir());
        assertEquals(7, o.checkpointEvery());
        assertNull(trainer().build().options().device().spec(), "default: each executor's best device");
    }

    @Test
    void scorerOptionsAreCheckedWhenSet() {
        SparkScorer.Builder b = SparkScorer.builder(() -> new Linear(2, 2), HostState.of(new Linear(2, 2)));
        refused("SparkScorer: batch size must be at least 1, got 0", () -> b.batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> b.device("no-such-device:x"));
    }
}
