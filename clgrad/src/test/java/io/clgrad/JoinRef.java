package io.clgrad;

import java.util.Random;
import java.util.function.Function;

/**
 * Host references for cat, stack, repeat, roll, flip and pad, written per output element from the
 * ops' definitions (which input element each output element is), independently of the library's
 * index tables and runs.
 */
final class JoinRef {
    private JoinRef() {
    }

    /** Where an output element comes from: which input, at which multi-index; null for a fill. */
    record Source(int input, int[] index) {
    }

    /** {@code out[idx] = inputs[src.input][src.index]}, or {@code fill} where {@code source} gives null. */
    static double[] build(float[][] inputs, int[][] shapes, int[] outShape, Function<int[], Source> source,
                          double fill) {
        int n = Math.toIntExact(Shape.numel(outShape));
        double[] out = new double[n];
        for (int f = 0; f < n; f++) {
            Source s = source.apply(HostRef.unravel(f, outShape));
            out[f] = s == null ? fill : inputs[s.input()][flat(s.index(), shapes[s.input()])];
        }
        return out;
    }

    static int flat(int[] idx, int[] shape) {
        int off = 0;
        for (int d = 0; d < shape.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw new AssertionError("reference index " + java.util.Arrays.toString(idx) + " outside "
                        + java.util.Arrays.toString(shape));
            }
            off = off * shape[d] + idx[d];
        }
        return off;
    }

    /** cat along d: the input whose range along d holds the index. */
    static double[] cat(float[][] xs, int[][] shapes, int d) {
        int[] outShape = shapes[0].clone();
        outShape[d] = 0;
        for (int[] s : shapes) {
            outShape[d] += s[d];
        }
        return build(xs, shapes, outShape, idx -> {
            int i = idx[d];
            for (int k = 0; k < shapes.length; k++) {
                if (i < shapes[k][d]) {
                    int[] at = idx.clone();
                    at[d] = i;
                    return new Source(k, at);
                }
                i -= shapes[k][d];
            }
            throw new AssertionError();
        }, 0);
    }

    /** stack at d: index d picks the input, the rest index it. */
    static double[] stack(float[][] xs, int[] shape, int d) {
        int[] outShape = new int[shape.length + 1];
        for (int k = 0, j = 0; k < outShape.length; k++) {
            outShape[k] = k == d ? xs.length : shape[j++];
        }
        int[][] shapes = new int[xs.length][];
        java.util.Arrays.fill(shapes, shape);
        return build(xs, shapes, outShape, idx -> {
            int[] at = new int[shape.length];
            for (int k = 0, j = 0; k < idx.length; k++) {
                if (k != d) {
                    at[j++] = idx[k];
                }
            }
            return new Source(idx[d], at);
        }, 0);
    }

    /** repeat: leading dims dropped, every other index taken modulo the input's size. */
    static double[] repeat(float[] x, int[] shape, int[] repeats) {
        int lead = repeats.length - shape.length;
        int[] outShape = new int[repeats.length];
        for (int i = 0; i < repeats.length; i++) {
            outShape[i] = repeats[i] * (i < lead ? 1 : shape[i - lead]);
        }
        return build(new float[][] {x}, new int[][] {shape}, outShape, idx -> {
            int[] at = new int[shape.length];
            for (int k = 0; k < shape.length; k++) {
                at[k] = idx[k + lead] % shape[k];
            }
            return new Source(0, at);
        }, 0);
    }

    /** roll: out index i along dims[k] comes from (i - shifts[k]) mod n. */
    static double[] roll(float[] x, int[] shape, int[] shifts, int[] dims) {
        return build(new float[][] {x}, new int[][] {shape}, shape, idx -> {
            int[] at = idx.clone();
            for (int k = 0; k < dims.length; k++) {
                int d = dims[k] < 0 ? dims[k] + shape.length : dims[k];
                at[d] = Math.floorMod(at[d] - shifts[k], shape[d]);
            }
            return new Source(0, at);
        }, 0);
    }

    /** flip: out index i along a flipped dim comes from n-1-i. */
    static double[] flip(float[] x, int[] shape, int... dims) {
        return build(new float[][] {x}, new int[][] {shape}, shape, idx -> {
            int[] at = idx.clone();
            for (int dim : dims) {
                int d = dim < 0 ? dim + shape.length : dim;
                at[d] = shape[d] - 1 - at[d];
            }
            return new Source(0, at);
        }, 0);
    }

    /**
     * pad with non-negative paddings: i = o - left along each padded dim, then constant (fill
     * outside), reflect (mirror about 0 and n-1), replicate (clamp) or circular (mod n).
     */
    static double[] pad(float[] x, int[] shape, int[] pad, String mode, double value) {
        int[] outShape = shape.clone();
        for (int j = 0; j < pad.length / 2; j++) {
            outShape[shape.length - 1 - j] += pad[2 * j] + pad[2 * j + 1];
        }
        return build(new float[][] {x}, new int[][] {shape}, outShape, idx -> {
            int[] at = idx.clone();
            for (int j = 0; j < pad.length / 2; j++) {
                int d = shape.length - 1 - j;
                int n = shape[d];
                int i = idx[d] - pad[2 * j];
                if (i < 0 || i >= n) {
                    switch (mode) {
                        case "constant" -> {
                            return null;
                        }
                        case "reflect" -> i = i < 0 ? -i : 2 * (n - 1) - i;
                        case "replicate" -> i = i < 0 ? 0 : n - 1;
                        default -> i = Math.floorMod(i, n);
                    }
                }
                at[d] = i;
            }
            return new Source(0, at);
        }, value);
    }

    static float[] randn(Random r, int[] shape) {
        return HostRef.randomFloats(r, Math.toIntExact(Shape.numel(shape)));
    }
    /** Seeded N(0, 1) values of a shape, with the tensor holding them on a device. */
    record Input(int[] shape, float[] values, Tensor tensor) {
    }

    static Input input(Device dev, long seed, int... shape) {
        float[] x = randn(new Random(seed), shape);
        return new Input(shape, x, Tensor.of(dev, x, shape));
    }
}
