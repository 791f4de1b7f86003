package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The line {@code clgrad train} prints when it is interrupted, in the orders a shutdown can take
 * (the process-level behaviour is {@code TrainInterruptTest}'s).
 */
class InterruptReportTest {
    private final StringWriter err = new StringWriter();

    private InterruptReport report(int firstEpoch, int savedEpoch) {
        return new InterruptReport(new PrintWriter(err), false, firstEpoch, 5 + firstEpoch, savedEpoch,
                List.of("the checkpoint c.ckpt"), List.of(), epochs -> { });
    }

    @Test
    void aRunThatFailedDuringTheShutdownIsStillReported() throws Exception {
        InterruptReport r = report(1, 0);
        r.epochStarted(3);
        assertNull(r.save(2, () -> null));
        // the training thread failed (its save's temporary file was removed by the exit hook) and
        // closed the report before the hook took the lock: the hook must still say where the run stopped
        r.close();
        r.runHook();
        assertEquals("clgrad train: interrupted in epoch 3 of 6; the checkpoint c.ckpt holds epoch 2",
                err.toString().strip());
    }

    @Test
    void beforeTheFirstEpochOfAResumedRunTheCheckpointStillHoldsTheResumedEpoch() {
        InterruptReport r = report(4, 3);
        r.runHook();
        r.close();
        assertEquals("clgrad train: interrupted in epoch 4 of 9; the checkpoint c.ckpt holds epoch 3",
                err.toString().strip());
    }

    @Test
    void aNormalFinishSilencesTheHook() throws Exception {
        InterruptReport r = report(1, 0);
        r.epochStarted(6);
        r.save(6, () -> null);
        r.finish(() -> null);
        r.runHook();
        assertEquals("", err.toString());
    }
}
