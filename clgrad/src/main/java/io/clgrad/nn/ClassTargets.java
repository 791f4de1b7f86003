package io.clgrad.nn;

import io.clgrad.DType;
import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * The argument checks that NLLLoss and CrossEntropyLoss share, naming the module in their messages
 * (the losses themselves are {@link io.clgrad.Functional#nllLoss} and
 * {@link io.clgrad.Functional#crossEntropy}).
 */
final class ClassTargets {
    private ClassTargets() {
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
}
