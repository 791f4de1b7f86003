package io.clgrad.cli;

/**
 * What one training epoch measured.
 *
 * @param epoch         1-based epoch number
 * @param trainLoss     mean training loss over the epoch's batches
 * @param trainAccuracy training accuracy over the epoch's samples (measured while training)
 * @param validLoss     loss on the held-out set after the epoch
 * @param validAccuracy accuracy on the held-out set after the epoch
 * @param samplesPerSecond training throughput
 * @param seconds       wall time of the epoch's training part
 */
record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double validLoss, double validAccuracy,
                    double samplesPerSecond, double seconds) {
}
