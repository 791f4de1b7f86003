package io.clgrad.nn;

import io.clgrad.Autograd;
import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * The masks that NLLLoss and weighted CrossEntropyLoss select with, built from tensor ops on the
 * input's device (no gather op is needed): {@code mask[n, c] = w_c} where {@code c = target[n]}
 * and the row is not ignored, else 0; {@code valid[n]} is 1 for rows that are not ignored.
 */
@SuppressWarnings("try")   // noGrad scope opened for its effect
final class ClassTargets {
    /** {@code [N, C]}: the (weighted) one-hot targets of the rows that count. */
    final Tensor mask;
    /** {@code [N]}: 1 where the row counts. */
    final Tensor valid;

    private ClassTargets(Tensor mask, Tensor valid) {
        this.mask = mask;
        this.valid = valid;
    }

    /** Checks {@code input [N, C]} against an int32 {@code target [N]}, naming both shapes. */
    static void check(String loss, Tensor input, Tensor target) {
        if (input == null || target == null) {
            throw new IllegalArgumentException(loss + ": input and target must not be null");
        }
        if (input.dim() != 2) {
            throw new IllegalArgumentException(loss + ": input must be [batch, classes], got shape "
                    + Arrays.toString(input.shape()));
        }
        if (target.dim() != 1 || target.shape(0) != input.shape(0)) {
            throw new IllegalArgumentException(loss + ": target shape " + Arrays.toString(target.shape())
                    + " does not match input shape " + Arrays.toString(input.shape())
                    + " (expected [" + input.shape(0) + "])");
        }
        if (target.dtype() != DType.INT32) {
            throw new IllegalArgumentException(loss + ": target must be int32 class indices, got " + target.dtype());
        }
    }

    /** Checks that a class weight is a float32 {@code [C]} tensor. */
    static void checkWeight(String loss, Tensor weight, int classes) {
        if (weight != null && (weight.dim() != 1 || weight.shape(0) != classes || weight.dtype() != DType.FLOAT32)) {
            throw new IllegalArgumentException(loss + ": weight must be a float32 tensor of shape [" + classes
                    + "] (one per class), got shape " + Arrays.toString(weight.shape()) + " " + weight.dtype());
        }
    }

    /**
     * The masks for {@code target} over {@code classes} classes on {@code device}, with class
     * weights {@code weight [C]} (null for 1). Records no graph. A target outside [0, C) that is
     * not ignoreIndex raises (see {@link Functional#checkClassTargets}); {@code op} names the loss.
     */
    static ClassTargets of(String op, Tensor target, int classes, int ignoreIndex, Tensor weight, Device device) {
        Functional.checkClassTargets(op, target, classes, ignoreIndex);
        try (Autograd.Mode g = Autograd.noGrad();
             Tensor ar = Tensor.arange(classes);
             Tensor arF = ar.toFloat();
             Tensor tf = target.toFloat()) {          // int32 -> a fresh float32 copy
            Tensor cls = arF.to(device);              // arF itself on the CPU
            Tensor t = tf.to(device);                 // tf itself when already there
            try (Tensor clsRow = cls.unsqueeze(0);
                 Tensor tcol = t.unsqueeze(1);
                 Tensor onehot = clsRow.eq(tcol);
                 Tensor ignored = t.eq((float) ignoreIndex);
                 Tensor negIgnored = ignored.neg()) {
                Tensor valid = negIgnored.add(1f);
                Tensor mask;
                try (Tensor validCol = valid.unsqueeze(1)) {
                    mask = onehot.mul(validCol);
                }
                if (weight != null) {
                    Tensor w = weight.to(device);
                    try (Tensor wRow = w.unsqueeze(0)) {
                        Tensor weighted = mask.mul(wRow);
                        mask.close();
                        mask = weighted;
                    } finally {
                        if (w != weight) {
                            w.close();
                        }
                    }
                }
                return new ClassTargets(mask, valid);
            } finally {
                cls.close();
                t.close();
            }
        }
    }
}
