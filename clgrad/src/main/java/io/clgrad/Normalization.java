package io.clgrad;

import java.util.Arrays;

/**
 * {@code layer_norm} and {@code group_norm}: both normalise the rows of the input seen as a matrix
 * [R, K] — one row per sample (layer norm) or per (sample, group) (group norm) — by their mean and
 * biased variance, then apply the optional per-element (layer norm) or per-channel (group norm)
 * affine transform with broadcast arithmetic. The normalisation is batch norm in training mode on
 * the matrix seen as one sample of R channels ({@link BatchNorms}: its statistics, normalise and
 * backward kernels); composing it from {@code mean} and broadcast arithmetic instead was 6–8 times
 * slower on PoCL. The public entries are in {@link Functional}.
 */
final class Normalization {
    static final String LAYER = "layer_norm";
    static final String GROUP = "group_norm";

    private Normalization() {
    }

    /**
     * layer_norm over the trailing dims {@code normalizedShape}:
     * {@code y = (x − E[x]) / √(Var[x] + eps) · weight + bias}.
     */
    static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        Checks.float32(LAYER, x);
        if (normalizedShape == null || normalizedShape.length == 0) {
            throw new IllegalArgumentException(LAYER + ": Expected normalized_shape to be at least 1-dimensional, i.e.,"
                    + " containing at least one element, but got normalized_shape = []");
        }
        int[] shape = x.shapeRef();
        int lead = shape.length - normalizedShape.length;
        if (lead < 0 || !Arrays.equals(Arrays.copyOfRange(shape, lead, shape.length), normalizedShape)) {
            throw new IllegalArgumentException(LAYER + ": Given normalized_shape=" + Shape.str(normalizedShape)
                    + ", expected input with shape [*, " + Shape.str(normalizedShape).substring(1)
                    + ", but got input of size" + Shape.str(shape));
        }
        checkAffine(LAYER, "weight", weight, x, normalizedShape);
        checkAffine(LAYER, "bias", bias, x, normalizedShape);
        int k = 1;
        for (int s : normalizedShape) {
            k *= s;
        }
        int rows = k == 0 ? 0 : (int) (x.numel() / k);
        Tensor y = normalizeRows(x.reshape(rows, k), eps).reshape(shape);
        return affine(y, weight, bias);
    }

    /**
     * group_norm: the C channels of x [N, C, *] in {@code numGroups} groups, each (sample, group)
     * normalised over its channels and spatial positions, then scaled and shifted per channel.
     */
    static Tensor groupNorm(Tensor x, int numGroups, Tensor weight, Tensor bias, double eps) {
        Checks.float32(GROUP, x);
        int[] shape = x.shapeRef();
        if (shape.length < 2) {
            throw new IllegalArgumentException(GROUP + ": Expected at least 2 dimensions for input tensor but received "
                    + shape.length);
        }
        int n = shape[0];
        int c = shape[1];
        if (numGroups <= 0 || c % numGroups != 0) {
            throw new IllegalArgumentException(GROUP + ": Expected number of channels in input to be divisible by"
                    + " num_groups, but got input of shape " + Shape.str(shape) + " and num_groups=" + numGroups);
        }
        int[] perChannel = new int[shape.length - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = c;
        checkAffine(GROUP, "weight", weight, x, new int[] {c});
        checkAffine(GROUP, "bias", bias, x, new int[] {c});
        int per = n * numGroups == 0 ? 0 : (int) (x.numel() / ((long) n * numGroups));
        Tensor y = normalizeRows(x.reshape(n * numGroups, per), eps).reshape(shape);
        return affine(y, weight == null ? null : weight.view(perChannel), bias == null ? null : bias.view(perChannel));
    }

    /**
     * Each row of {@code m} [R, K] minus its mean, divided by √(its biased variance + eps): batch norm's
     * training-mode normalisation of {@code m} seen as one sample [1, R, K] of R channels (its kernels,
     * and its backward, which differentiates through the row statistics), without affine or running
     * statistics.
     */
    private static Tensor normalizeRows(Tensor m, double eps) {
        if (m.numel() == 0) {
            return m.mul(1f);
        }
        int[] rk = m.shapeRef();
        if (rk[1] == 1) {
            return m.sub(m);   // a row of one is its own mean: 0, with gradient 0 (batch norm refuses one value)
        }
        return Functional.batchNorm(m.view(1, rk[0], rk[1]), null, null, null, null, true, 0.0, eps)
                .view(rk[0], rk[1]);
    }

    /** {@code y · weight + bias}, each optional, broadcast over the leading dims. */
    private static Tensor affine(Tensor y, Tensor weight, Tensor bias) {
        Tensor out = weight == null ? y : y.mul(weight);
        return bias == null ? out : out.add(bias);
    }

    private static void checkAffine(String op, String what, Tensor t, Tensor x, int[] want) {
        if (t == null) {
            return;
        }
        Checks.float32(op, what, t);
        Checks.sameDevice(op, x, t);
        if (!Arrays.equals(t.shapeRef(), want)) {
            throw new IllegalArgumentException(op + ": expected " + what + " of shape " + Shape.str(want)
                    + ", but got " + what + " of size " + Shape.str(t.shapeRef()));
        }
    }
}
