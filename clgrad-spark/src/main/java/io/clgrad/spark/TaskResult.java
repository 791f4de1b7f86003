package io.clgrad.spark;

import java.io.Serializable;

/**
 * What one barrier task sends back to the driver.
 *
 * @param rank           the task's partition index
 * @param device         the device the task trained on ("cpu", "opencl:0")
 * @param state          the trained state (task 0 only; null on the others: every replica is the same)
 * @param lossSums       per epoch, the sum over its steps of the global batch's mean loss
 * @param steps          the global step reached
 * @param resumedFrom    the global step of the checkpoint this attempt started from, or -1 (none)
 * @param allReduceNanos per step this attempt ran, the all-reduce's wall time
 */
record TaskResult(int rank, String device, HostState state, double[] lossSums, long steps, long resumedFrom,
                  long[] allReduceNanos) implements Serializable {
}
