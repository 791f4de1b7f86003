package io.clgrad.cli;

import io.clgrad.DType;
import io.clgrad.Tensor;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code clgrad train} does when training diverges: a training or held-out loss that becomes
 * NaN or infinite stops the run with one line (epoch, batches, value, and the hint to lower the
 * learning rate), unless {@code --allow-non-finite} asked to keep going. Independently of that
 * option, a model whose weights are not all finite is never saved.
 *
 * <p>The training loop reads its running loss from the device only after batches 1, 2, 4, 8, ...
 * and a few times a second (reading it after every step would make each step wait for the device),
 * so a divergence is reported with the range of batches in which it happened.
 */
final class DivergenceGuard {
    private final boolean allowNonFinite;
    private final String hint;
    private int epoch;
    private int checkedBatches;

    /**
     * @param allowNonFinite true to keep training through a non-finite loss
     * @param optimizer      the --optimizer value, for the hint
     * @param lr             the learning rate, for the hint
     */
    DivergenceGuard(boolean allowNonFinite, String optimizer, double lr) {
        this.allowNonFinite = allowNonFinite;
        this.hint = "lower --lr (now " + lr + " with " + optimizer + ") or pass --allow-non-finite to keep going";
    }

    /** Whether non-finite losses are allowed (training continues). */
    boolean allowsNonFinite() {
        return allowNonFinite;
    }

    /** Starts an epoch: batch counts restart. */
    void startEpoch(int epoch) {
        this.epoch = epoch;
        this.checkedBatches = 0;
    }

    /**
     * Checks the running mean training loss read after {@code batch} batches of this epoch.
     *
     * @throws IllegalStateException when it is not finite and non-finite losses are not allowed
     */
    void checkTrainLoss(double meanLoss, int batch, int batches) {
        if (!Double.isFinite(meanLoss) && !allowNonFinite) {
            String where = checkedBatches + 1 == batch ? "in batch " + batch
                    : "between batches " + (checkedBatches + 1) + " and " + batch;
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "training diverged in epoch %d: the training loss became %s %s of %d; %s",
                    epoch, value(meanLoss), where, batches, hint));
        }
        checkedBatches = batch;
    }

    /**
     * Checks the held-out loss at the end of an epoch.
     *
     * @throws IllegalStateException when it is not finite and non-finite losses are not allowed
     */
    void checkHeldLoss(double loss, String heldLabel) {
        if (!Double.isFinite(loss) && !allowNonFinite) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "training diverged in epoch %d: the %s loss is %s; %s", epoch, heldLabel, value(loss), hint));
        }
    }

    private static String value(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";
    }

    /**
     * The first float32 value of a state dict that is NaN or infinite. Pass the host copy that is
     * about to be saved ({@link ModelFiles#hostStateDict}), so that the weights are read from the
     * device once and what is checked is what is saved.
     *
     * @return e.g. {@code "layer_1.weight[3] = NaN"}, or null when every value is finite
     */
    static String firstNonFinite(Map<String, Tensor> stateDict) {
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != DType.FLOAT32) {
                continue;
            }
            float[] v = t.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    return e.getKey() + "[" + i + "] = " + v[i];
                }
            }
        }
        return null;
    }
}
