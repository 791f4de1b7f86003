package io.clgrad.spark;

import java.io.Serializable;

/**
 * What a {@link SparkTrainer} was built with (see {@link SparkTrainer.Builder} for each option),
 * shipped to every task.
 *
 * @param model           builds a replica's model
 * @param loss            builds the (mean-reduced) loss
 * @param optimizer       builds a replica's optimizer from its parameters
 * @param epochs          passes over the training data
 * @param batchSize       the global batch size, over all tasks
 * @param seed            the seed of the per-epoch shuffles and of the initial weights
 * @param device          the device of every task
 * @param checkpointDir   where checkpoints go, or null for none
 * @param checkpointEvery steps between checkpoints
 * @param timeoutMs       how long a task waits for a peer before failing the stage
 * @param partitions      the number of tasks the training data is repartitioned into (0: keep the data's)
 * @param initialState    the weights to start from, or null for the model factory's
 * @param failAtStep      the fault-injection hook's global step, or -1 for none
 * @param failMode        how the fault-injection hook makes a task die
 */
record TrainOptions(ModelFactory model, LossFactory loss, OptimizerFactory optimizer, int epochs, int batchSize,
                    long seed, ExecutorDevice device, String checkpointDir, int checkpointEvery, long timeoutMs,
                    int partitions, HostState initialState, long failAtStep, FailMode failMode)
        implements Serializable {
}
