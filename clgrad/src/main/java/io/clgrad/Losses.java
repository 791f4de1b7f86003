package io.clgrad;

import io.clgrad.backend.ReduceOp;
import java.util.Arrays;

/**
 * What every loss shares (the argument checks of an input and its target, the reduction, the
 * backward of a fused loss whose gradient was made with it) and the two losses written from tensor
 * ops, MSE and L1. The loss kernels are in {@link BinaryCrossEntropy} and {@link CrossEntropy};
 * {@link Functional} is the public face of all of them.
 */
final class Losses {
    private Losses() {
    }

    /** {@code (input - target)²} per element, reduced; see {@link Functional#mseLoss}. */
    static Tensor mse(Tensor input, Tensor target, LossReduction reduction) {
        String op = "mse_loss";
        checkSameShape(op, input, target);
        Tensor diff = input.sub(target);
        return reduce(op, diff.mul(diff), reduction);
    }

    /** {@code |input - target|} per element, reduced; see {@link Functional#l1Loss}. */
    static Tensor l1(Tensor input, Tensor target, LossReduction reduction) {
        String op = "l1_loss";
        checkSameShape(op, input, target);
        return reduce(op, input.sub(target).abs(), reduction);
    }

    /** Per-element losses as {@code reduction} says: themselves, their sum or their mean (recorded). */
    static Tensor reduce(String op, Tensor perElement, LossReduction reduction) {
        return switch (reduction) {
            case NONE -> perElement;
            case SUM -> DimReductions.all(op, ReduceOp.SUM, perElement);
            case MEAN -> DimReductions.all(op, ReduceOp.MEAN, perElement);
        };
    }

    /** Both given; float32 input and target of one shape on one device; the message names both shapes. */
    static void checkSameShape(String op, Tensor input, Tensor target) {
        checkGiven(op, input, target);
        Checks.float32(op, input);
        Checks.float32(op, target);
        Checks.sameDevice(op, input, target);
        if (!Arrays.equals(input.shapeRef(), target.shapeRef())) {
            throw new IllegalArgumentException(op + ": target size " + Shape.str(target.shapeRef())
                    + " must be the same as input size " + Shape.str(input.shapeRef()));
        }
    }

    /** Neither input nor target is null. */
    static void checkGiven(String op, Tensor input, Tensor target) {
        if (input == null || target == null) {
            throw new IllegalArgumentException(op + ": input and target must not be null");
        }
    }

    /**
     * Records a fused loss whose gradient with respect to {@code input} was made with it (null when
     * no gradient is needed): the backward hands it out as is for backward()'s implicit 1, else
     * scaled by the upstream gradient. It reads no tensor but its own private gradient, which no
     * one else can write, so it saves no versions: writing into the input or target after the
     * forward leaves the gradient of the loss that was computed.
     */
    static Tensor withSavedGradient(Tensor loss, Tensor grad, Tensor input, String node) {
        if (grad == null) {
            return loss;
        }
        return Graph.record(loss, node, new Tensor[] {input}, g -> {
            boolean retained = Graph.retainingGraph();   // backward(true): the node runs again later
            if (g.isImplicitOne()) {
                return new Tensor[] {retained ? grad.copy() : grad};
            }
            Tensor scaled = grad.mul(g);
            if (!retained) {
                grad.close();   // the node is used once: its saved gradient is done with
            }
            return new Tensor[] {scaled};
        });
    }
}
