package io.clgrad;

import java.util.Arrays;

/**
 * Reductions composed from the single-dim reductions and elementwise ops (issue 11): sums and
 * means over several dims at once, {@code var}/{@code std} with a correction, a stable
 * {@code logsumexp} and vector norms. Their gradients follow from the ops they are built of,
 * except the 2-norm's, which is recorded so that a zero norm gets PyTorch's zero gradient.
 */
final class Statistics {
    private Statistics() {
    }

    /**
     * The dims to reduce, normalised and sorted descending; {@code null} or empty means all dims.
     *
     * @throws IllegalArgumentException for a dim out of range or repeated
     */
    static int[] dims(String op, Tensor x, int[] dims) {
        int[] shape = x.shapeRef();
        if (dims == null || dims.length == 0) {
            int[] all = new int[shape.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = all.length - 1 - i;
            }
            return all;
        }
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = Shape.normalizeDim(op, dims[i], shape);
        }
        int[] sorted = d.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException(op + ": dim " + sorted[i]
                        + " appears multiple times in the list of dims " + Arrays.toString(dims));
            }
        }
        int[] desc = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            desc[i] = sorted[sorted.length - 1 - i];
        }
        return desc;
    }

    /** The number of elements reduced over {@code dims} (normalised). */
    private static int count(Tensor x, int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= x.shapeRef()[d];
        }
        return n;
    }

    /** The shape with {@code dims} (normalised) dropped, or set to 1 when {@code keepdim}. */
    private static int[] reducedShape(int[] shape, int[] dims, boolean keepdim) {
        boolean[] gone = new boolean[shape.length];
        for (int d : dims) {
            gone[d] = true;
        }
        return java.util.stream.IntStream.range(0, shape.length).filter(i -> keepdim || !gone[i])
                .map(i -> gone[i] ? 1 : shape[i]).toArray();
    }

    /** A reduction along each of {@code dims} (descending) in turn, keeping them, then reshaped. */
    private static Tensor repeated(Tensor x, int[] dims, boolean keepdim,
                                   java.util.function.BiFunction<Tensor, Integer, Tensor> along) {
        if (x.dim() == 0) {
            return along.apply(x, 0);
        }
        Tensor y = x;
        for (int d : dims) {
            y = along.apply(y, d);
        }
        return keepdim ? y : y.reshape(reducedShape(x.shapeRef(), dims, false));
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        return repeated(x, dims("sum", x, dims), keepdim, (t, d) -> t.sum(d, true));
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        int[] d = dims("mean", x, dims);
        if (x.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("mean(): could not infer output dtype. Input dtype must be either "
                    + "a floating point or complex dtype. Got: " + x.dtype());
        }
        return repeated(x, d, keepdim, (t, k) -> t.mean(k, true));
    }

    /**
     * {@code Σ (x - mean)² / max(0, N - correction)} over {@code dims}; {@code std} is its square root.
     */
    static Tensor var(String op, Tensor x, int[] dims, int correction, boolean keepdim, boolean sqrt) {
        Checks.float32(op, x);
        int[] d = dims(op, x, dims);
        if (correction < 0) {
            throw new IllegalArgumentException(op + ": correction must be at least 0, got " + correction);
        }
        int n = x.dim() == 0 ? 1 : count(x, d);
        Tensor dev = x.sub(mean(x, d, true));
        Tensor v = sum(dev.mul(dev), d, keepdim).div((float) Math.max(0, n - correction));
        return sqrt ? v.sqrt() : v;
    }

    /**
     * {@code m + log(Σ exp(x - m))} over {@code dims}, m the (detached) maximum, taken as 0 where it
     * is infinite so that all -inf gives -inf and +inf gives +inf, as PyTorch.
     */
    static Tensor logsumexp(Tensor x, int[] dims, boolean keepdim) {
        Checks.float32("logsumexp", x);
        int[] d = dims("logsumexp", x, dims);
        Tensor m = repeated(x.detach(), d, true, (t, k) -> t.max(k, true));
        m = m.maskedFill(m.abs().eq(Float.POSITIVE_INFINITY), 0f);
        Tensor out = sum(x.sub(m).exp(), d, true).log().add(m);
        return keepdim || x.dim() == 0 ? out : out.reshape(reducedShape(x.shapeRef(), d, false));
    }

    /**
     * The vector {@code p}-norm over {@code dims}: 2 (recorded: the gradient {@code x·g/‖x‖} is 0
     * where the norm is 0, as PyTorch), 1 ({@code Σ|x|}), ±inf ({@code max|x|}, {@code min|x|}),
     * 0 (the count of non-zeros, no gradient) or any other p as {@code (Σ|x|^p)^(1/p)}.
     */
    static Tensor norm(Tensor x, float p, int[] dims, boolean keepdim) {
        Checks.float32("norm", x);
        int[] d = dims("norm", x, dims);
        if (p == 2f) {
            Tensor xd = x.detach();
            Tensor out = sum(xd.mul(xd), d, keepdim).sqrt();
            if (!x.requiresGrad()) {
                return out;
            }
            int[] kept = reducedShape(x.shapeRef(), d, true);
            return Graph.record(out, "LinalgVectorNormBackward0", new Tensor[] {x}, new Tensor[] {x, out}, g -> {
                Tensor n = out.reshape(kept);
                Tensor scale = g.reshape(kept).div(n).maskedFill(n.eq(0f), 0f);
                return new Tensor[] {x.mul(scale)};
            });
        }
        Tensor a = x.abs();
        if (p == 1f) {
            return sum(a, d, keepdim);
        }
        if (p == Float.POSITIVE_INFINITY) {
            return repeated(a, d, keepdim, (t, k) -> x.dim() == 0 ? t : t.max(k, true));
        }
        if (p == Float.NEGATIVE_INFINITY) {
            return repeated(a, d, keepdim, (t, k) -> x.dim() == 0 ? t : t.min(k, true));
        }
        if (p == 0f) {
            return sum(x.detach().ne(0f).toFloat(), d, keepdim);
        }
        if (Float.isNaN(p)) {
            throw new IllegalArgumentException("norm: p must be a number, got NaN");
        }
        return sum(a.pow(p), d, keepdim).pow(1f / p);
    }
}
