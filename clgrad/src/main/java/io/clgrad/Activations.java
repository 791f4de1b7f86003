package io.clgrad;

import io.clgrad.backend.BinaryOp;

/**
 * The activations with parameters, built from existing tensor ops (each piece has its kernel and
 * gradient): {@code clamp} and {@code hardtanh} (a maximum and a minimum with the scalar bounds,
 * and one recorded node whose gradient passes inside the bounds), {@code leaky_relu}, {@code elu},
 * {@code softplus} and the tanh GELU (selects and sums of {@code exp}, {@code expm1},
 * {@code log1p}, {@code sigmoid}). Where a select discards a branch, the branch is computed on a
 * clamped argument, so its discarded value is finite and its zero gradient stays 0 (no 0·inf).
 */
final class Activations {
    private static final float GELU_TANH_SCALE = (float) (2 * Math.sqrt(2 / Math.PI));
    private static final float GELU_TANH_CUBIC = 0.044715f;

    private Activations() {
    }

    /** {@code torch.clamp(x, min, max)}: either bound may be null, not both; see {@link Tensor#clamp(Float, Float)}. */
    static Tensor clamp(Tensor x, Float min, Float max) {
        if (min == null && max == null) {
            throw new IllegalArgumentException("clamp: at least one of 'min' or 'max' must not be null (as PyTorch's"
                    + " torch.clamp); the input has shape " + java.util.Arrays.toString(x.shapeRef()));
        }
        String node = min == null ? "ClampMaxBackward0" : max == null ? "ClampMinBackward0" : "ClampBackward1";
        return bounded("clamp", node, x, min, max, true);
    }

    /** {@code F.hardtanh(x, minVal, maxVal)}: the clamp, its gradient 0 at the bounds themselves. */
    static Tensor hardtanh(Tensor x, float minVal, float maxVal) {
        if (maxVal < minVal) {
            throw new IllegalArgumentException("hardtanh: max_val (" + maxVal + ") cannot be less than min_val ("
                    + minVal + ")");
        }
        return bounded("hardtanh", "HardtanhBackward0", x, minVal, maxVal, false);
    }

    /**
     * {@code min(max(x, lo), hi)} (NaN kept; {@code hi} everywhere when {@code lo > hi}, as PyTorch),
     * the gradient passing where {@code lo <= x <= hi} ({@code inclusive}, PyTorch's clamp) or
     * {@code lo < x < hi} (PyTorch's hardtanh), 0 elsewhere.
     */
    private static Tensor bounded(String op, String node, Tensor x, Float lo, Float hi, boolean inclusive) {
        Tensor out;
        if (lo != null && hi != null) {
            try (Tensor low = Elementwise.scalarRaw(op, BinaryOp.MAXIMUM, x, lo, false)) {
                out = Elementwise.scalarRaw(op, BinaryOp.MINIMUM, low, hi, false);
            }
        } else if (lo != null) {
            out = Elementwise.scalarRaw(op, BinaryOp.MAXIMUM, x, lo, false);
        } else {
            out = Elementwise.scalarRaw(op, BinaryOp.MINIMUM, x, hi, false);
        }
        if (!Graph.shouldRecord(x)) {
            return out;
        }
        return Graph.record(out, node, new Tensor[] {x}, new Tensor[] {x},
                g -> new Tensor[] {inside(x, lo, hi, inclusive, g)});
    }

    /** {@code g} where x lies within the bounds, exactly 0 elsewhere (NaN x: 0, as PyTorch's mask). */
    private static Tensor inside(Tensor x, Float lo, Float hi, boolean inclusive, Tensor g) {
        Tensor above = lo == null ? null : Elementwise.mask(inclusive ? BinaryOp.GE : BinaryOp.GT, x, lo);
        Tensor below = hi == null ? null : Elementwise.mask(inclusive ? BinaryOp.LE : BinaryOp.LT, x, hi);
        if (above == null || below == null) {
            try (Tensor keep = above != null ? above : below) {
                return Elementwise.where0(keep, g);
            }
        }
        try (above; below; Tensor keep = above.mul(below)) {
            return Elementwise.where0(keep, g);
        }
    }

    /** {@code F.leaky_relu(x, negativeSlope)}: x where x > 0, else {@code negativeSlope·x} (gradient likewise, slope at 0). */
    static Tensor leakyRelu(Tensor x, float negativeSlope) {
        requireFloat("leaky_relu", x);
        return Tensor.where(x.gt(0f), x, x.mul(negativeSlope));
    }

    /** {@code F.elu(x, alpha)}: x where x > 0, else {@code alpha·(e^x - 1)} (by expm1: exact near 0). */
    static Tensor elu(Tensor x, float alpha) {
        requireFloat("elu", x);
        return Tensor.where(x.gt(0f), x, x.clampMax(0f).expm1().mul(alpha));
    }

    /**
     * {@code F.softplus(x, beta, threshold)}: {@code log(1 + e^(βx))/β}, and x itself where
     * {@code βx > threshold} (PyTorch's rule, for stability; the gradient there is 1).
     */
    static Tensor softplus(Tensor x, float beta, float threshold) {
        requireFloat("softplus", x);
        Tensor bx = x.mul(beta);
        return Tensor.where(bx.gt(threshold), x, bx.clampMax(threshold).exp().log1p().div(beta));
    }

    /**
     * {@code F.gelu(x, approximate='tanh')}: {@code x/2 · (1 + tanh(√(2/π)(x + 0.044715x³)))},
     * computed as the equal {@code x · σ(2√(2/π)(x + 0.044715x³))} (no cancellation in 1 + tanh).
     */
    static Tensor geluTanh(Tensor x) {
        requireFloat("gelu", x);
        return x.mul(x.mul(x).mul(GELU_TANH_CUBIC).add(1f).mul(x).mul(GELU_TANH_SCALE).sigmoid());
    }

    /** {@code F.gelu(x, approximate)}: {@code "none"} (exact, {@link Tensor#gelu()}) or {@code "tanh"}. */
    static Tensor gelu(Tensor x, String approximate) {
        return switch (approximate) {
            case "none" -> x.gelu();
            case "tanh" -> geluTanh(x);
            default -> throw new IllegalArgumentException("gelu: approximate must be 'none' or 'tanh', got '"
                    + approximate + "'");
        };
    }

    private static void requireFloat(String op, Tensor x) {
        if (x.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": not implemented for " + x.dtype() + " tensors (as in PyTorch);"
                    + " convert with toFloat()");
        }
    }
}
