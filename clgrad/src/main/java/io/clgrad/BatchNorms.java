package io.clgrad;

import io.clgrad.backend.Backend;

/**
 * Batch normalisation, PyTorch's {@code batch_norm} (see {@link Functional#batchNorm}), on the
 * batch-norm kernels: in training one launch for the per-channel statistics (which also updates the
 * running statistics in place) and one for the normalisation; the backward is PyTorch's
 * {@code batch_norm_backward}, one per-channel reduction (the weight and bias gradients) and one
 * elementwise launch for the input gradient.
 */
final class BatchNorms {
    private BatchNorms() {
    }

    private static final String OP = "batch_norm";
    private static final String NODE = "NativeBatchNormBackward0";

    /** The input seen as [n, channels, inner]. */
    private record Geometry(int n, int channels, int inner) {
        static Geometry of(Tensor input) {
            int[] s = input.shapeRef();
            return new Geometry(s[0], s[1], Shape.prod(s, 2, s.length));
        }

        long perChannel() {
            return (long) n * inner;
        }
    }

    /** See {@link Functional#batchNorm}. */
    static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                            boolean training, double momentum, double eps) {
        check(input, runningMean, runningVar, weight, bias, training);
        Geometry g = Geometry.of(input);
        if (input.numel() == 0) {
            return input.mul(0f);   // an empty batch: an empty output, the running statistics untouched (as PyTorch)
        }
        if (!training) {
            Tensor out = normalise(input, runningMean, runningVar, weight, bias, eps, g);
            return Graph.record(out, NODE, new Tensor[] {input, weight, bias},
                    new Tensor[] {input, runningMean, runningVar, weight},
                    grad -> backward(grad, input, runningMean, runningVar, weight, bias, eps, false, g));
        }
        Tensor[] stats = stats(input, runningMean, runningVar, momentum, g);
        Tensor mean = stats[0];
        Tensor var = stats[1];
        Tensor out = normalise(input, mean, var, weight, bias, eps, g);
        if (!Graph.shouldRecord(input, weight, bias)) {
            mean.close();
            var.close();
            return out;
        }
        // mean and var are this op's own: the backward reads them once and closes them
        return Graph.record(out, NODE, new Tensor[] {input, weight, bias}, new Tensor[] {input, weight, mean, var},
                grad -> {
                    try {
                        return backward(grad, input, mean, var, weight, bias, eps, true, g);
                    } finally {
                        if (!Graph.retainingGraph()) {   // backward(true) runs this node again
                            mean.close();
                            var.close();
                        }
                    }
                });
    }

    /**
     * The batch's mean and biased variance per channel ([C] each), updating the running
     * statistics in place (bumping their versions) when they are given.
     */
    private static Tensor[] stats(Tensor input, Tensor runningMean, Tensor runningVar, double momentum, Geometry g) {
        Tensor mean;
        Tensor var;
        try (OpLaunch l = new OpLaunch(OP, input.device())) {
            mean = l.output(DType.FLOAT32, new int[] {g.channels()});
            var = l.output(DType.FLOAT32, new int[] {g.channels()});
            input.backend().batchNormStats(l.dense(input), l.buffer(mean), l.buffer(var),
                    runningMean == null ? null : l.strided(runningMean),
                    runningVar == null ? null : l.strided(runningVar), momentum, g.n(), g.channels(), g.inner());
            l.keep(mean);
        }
        if (runningMean != null) {
            runningMean.bumpVersion();
            runningVar.bumpVersion();
        }
        return new Tensor[] {mean, var};
    }

    /** {@code (x - mean)/sqrt(var + eps)·weight + bias} per channel, not recorded. */
    private static Tensor normalise(Tensor input, Tensor mean, Tensor var, Tensor weight, Tensor bias, double eps,
                                    Geometry g) {
        return OpLaunch.run(OP, input.device(), DType.FLOAT32, input.shapeRef(),
                (l, out) -> input.backend().batchNormForward(l.dense(input), l.dense(mean), l.dense(var),
                        l.dense(weight), l.dense(bias), eps, out, g.n(), g.channels(), g.inner()));
    }

    /** The gradients of input, weight and bias (null where one is absent or needs none). */
    private static Tensor[] backward(Tensor grad, Tensor input, Tensor mean, Tensor var, Tensor weight, Tensor bias,
                                     double eps, boolean training, Geometry g) {
        String op = OP + " backward";
        boolean wantWeight = weight != null && weight.requiresGrad();
        boolean wantBias = bias != null && bias.requiresGrad();
        Backend b = input.backend();
        Tensor gradWeight = null;
        Tensor gradBias = null;
        Tensor gradInput;
        try (OpLaunch l = new OpLaunch(op, input.device())) {
            if (training || wantWeight || wantBias) {
                gradWeight = l.output(DType.FLOAT32, new int[] {g.channels()});
                gradBias = l.output(DType.FLOAT32, new int[] {g.channels()});
                b.batchNormBackwardReduce(l.dense(grad), l.dense(input), l.dense(mean), l.dense(var), eps,
                        l.buffer(gradWeight), l.buffer(gradBias), g.n(), g.channels(), g.inner());
            }
            gradInput = input.requiresGrad() ? l.output(DType.FLOAT32, input.shapeRef()) : null;
            if (gradInput != null && gradInput.numel() > 0) {
                b.batchNormBackward(l.dense(grad), l.dense(input), l.dense(mean), l.dense(var), l.dense(weight),
                        training ? l.buffer(gradWeight) : null, training ? l.buffer(gradBias) : null, eps,
                        l.buffer(gradInput), g.n(), g.channels(), g.inner());
            }
            l.keep(gradInput);
        }
        if (gradWeight != null && !wantWeight) {
            gradWeight.close();
            gradWeight = null;
        }
        if (gradBias != null && !wantBias) {
            gradBias.close();
            gradBias = null;
        }
        return new Tensor[] {gradInput, gradWeight, gradBias};
    }

    private static void check(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                              boolean training) {
        if (input == null) {
            throw new IllegalArgumentException(OP + ": input is null");
        }
        Checks.float32(OP, input);
        int[] s = input.shapeRef();
        if (s.length < 2) {
            throw new IllegalArgumentException(OP + ": expected an input of at least 2 dimensions [N, C, *], got "
                    + Shape.str(s));
        }
        int channels = s[1];
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException(OP + ": running_mean and running_var must both be given or both be null,"
                    + " got " + (runningMean == null ? "running_mean null" : "running_var null"));
        }
        if (!training && runningMean == null) {
            throw new IllegalArgumentException(OP + ": running_mean and running_var must be defined in evaluation mode"
                    + " (training=false)");
        }
        perChannel(input, "running_mean", runningMean, channels, true);
        perChannel(input, "running_var", runningVar, channels, true);
        perChannel(input, "weight", weight, channels, false);
        perChannel(input, "bias", bias, channels, false);
        if (channels == 0) {
            throw new IllegalArgumentException(OP + ": input " + Shape.str(s) + " has no channels (dimension 1 is 0)");
        }
        if (training && (long) s[0] * Shape.prod(s, 2, s.length) == 1) {
            throw new IllegalArgumentException(OP + ": expected more than 1 value per channel when training, got input"
                    + " size " + Shape.str(s));
        }
    }

    /** A per-channel tensor (null allowed) must be float32, on the input's device, with C elements. */
    private static void perChannel(Tensor input, String what, Tensor t, int channels, boolean writtenInPlace) {
        if (t == null) {
            return;
        }
        Checks.float32(OP, what, t);
        Checks.sameDevice(OP, input, t);
        if (t.numel() != channels) {
            throw new IllegalArgumentException(OP + ": " + what + " should contain " + channels + " elements (one per"
                    + " channel of input " + Shape.str(input.shapeRef()) + "), not " + t.numel() + " (shape "
                    + Shape.str(t.shapeRef()) + ")");
        }
        if (writtenInPlace && !t.isDense()) {
            throw new IllegalArgumentException(OP + ": " + what + " must be contiguous (it is updated in place), got a"
                    + " view with strides " + java.util.Arrays.toString(t.stridesRef()));
        }
    }
}
