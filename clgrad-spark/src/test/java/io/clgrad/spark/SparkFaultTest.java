package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task dies mid-training (the fault hook, on the first stage attempt only); Spark local[2,4]
 * (4 task failures allowed) retries the barrier stage, whose tasks resume from the last checkpoint.
 */
class SparkFaultTest {
    /** The epochs of the Fashion-MNIST runs here and in SparkTrainingTest. */
    static final int EPOCHS = 2;

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        FashionMnistFixture.dir();
        spark = FashionMnistFixture.session("local[2,4]");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void aKilledTaskFailsTheStageAndTheRetryResumesFromTheCheckpoint(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("ckpt");
        // 469 steps an epoch; checkpoints at 100, 200, ..., task 1 dies after step 550: the retry resumes at 500
        TrainResult r = FashionMnistFixture.trainer().batchSize(128).epochs(EPOCHS).seed(1)
                .checkpoint(ckpt.toString(), 100).failAtStep(550, FailMode.THROW).build()
                .fitIdx(spark, FashionMnistFixture.dir().toString(), 2, 0);
        double acc = FashionMnistFixture.accuracy(r.loadInto(FashionMnistFixture.mlp()), FashionMnistFixture.split(false));
        System.out.printf("local[2,4] with a task killed at step 550: resumed from step %d, epoch losses %s, test accuracy %.4f%n",
                r.resumedFrom(), Arrays.toString(r.epochLosses()), acc);
        assertEquals(500, r.resumedFrom(), "the retried stage must resume from the last checkpoint, not from step 0");
        assertEquals((long) EPOCHS * 469, r.steps());
        assertEquals(EPOCHS * 469 - 500, r.allReduceNanos().length, "the retry ran only the steps after the checkpoint");
        assertTrue(Files.exists(ckpt.resolve(CheckpointStore.FILE)));
        assertTrue(acc >= 0.86, "test accuracy " + acc + " < 0.86");

        // nothing lost but time: the same seeds and batches without the failure end at the same place
        TrainResult plain = FashionMnistFixture.trainer().batchSize(128).epochs(EPOCHS).seed(1).build()
                .fitIdx(spark, FashionMnistFixture.dir().toString(), 2, 0);
        double plainAcc = FashionMnistFixture.accuracy(plain.loadInto(FashionMnistFixture.mlp()), FashionMnistFixture.split(false));
        System.out.printf("the same run without the failure: epoch losses %s, test accuracy %.4f%n",
                Arrays.toString(plain.epochLosses()), plainAcc);
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(plain.epochLosses()[e], r.epochLosses()[e], 1e-6 * plain.epochLosses()[e], "epoch " + (e + 1) + " loss");
        }
        assertEquals(plainAcc, acc, 1e-3);
    }
}
