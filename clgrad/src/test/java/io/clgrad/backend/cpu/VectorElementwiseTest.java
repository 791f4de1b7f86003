package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorElementwise}: the finiteness check finds an infinity or NaN anywhere (vector part
 * and tail) and passes large finite values; against its scalar twins in {@link CpuBinaryKernels}, bit for bit: ReLU's
 * backward over ±0, ±inf, NaN of both signs, subnormals and random values, at every length from 0 to
 * three vectors and a half and at offsets, so the vector loop and its scalar tail both run.
 */
class VectorElementwiseTest {
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN, Float.intBitsToFloat(0xffc00001), Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -3.5e-39f};

    @Test
    void allFiniteFindsEveryInfinityAndNaN() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        Random r = new Random(4);
        for (int n = 0; n <= 70; n++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (r.nextFloat() - 0.5f) * 1e30f;   // large finite values: x·0 is still 0
            }
            org.junit.jupiter.api.Assertions.assertTrue(VectorElementwise.allFinite(x, n), "finite, n=" + n);
            org.junit.jupiter.api.Assertions.assertTrue(DirectConv.finite(x, n), "finite, n=" + n);
            for (float bad : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
                for (int at = 0; at < n; at += Math.max(1, n / 5)) {
                    float keep = x[at];
                    x[at] = bad;
                    org.junit.jupiter.api.Assertions.assertFalse(VectorElementwise.allFinite(x, n), bad + " at " + at + " of " + n);
                    x[at] = keep;
                }
                if (n > 0) {
                    x[n - 1] = bad;   // in the scalar tail when n is not a multiple of the lanes
                    org.junit.jupiter.api.Assertions.assertFalse(VectorElementwise.allFinite(x, n), bad + " last of " + n);
                    org.junit.jupiter.api.Assertions.assertTrue(VectorElementwise.allFinite(x, n - 1), "before it, n=" + n);
                    x[n - 1] = 1f;
                }
            }
        }
    }

    @Test
    void reluBackwardGivesTheScalarBits() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        Random r = new Random(3);
        for (int n = 0; n <= 56; n++) {
            for (int off : new int[] {0, 3}) {
                float[] g = new float[n + off];
                float[] x = new float[n + off];
                for (int i = 0; i < g.length; i++) {
                    g[i] = r.nextInt(3) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextFloat() - 0.5f;
                    x[i] = r.nextInt(2) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextFloat() - 0.5f;
                }
                float[] out = new float[n + 2 * off];
                java.util.Arrays.fill(out, 7f);
                VectorElementwise.reluBackward(g, off, x, off, out, 2 * off, n);
                for (int i = 0; i < n; i++) {
                    float want = CpuBinaryKernels.reluBackward(g[off + i], x[off + i]);
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[2 * off + i]),
                            "n=" + n + " i=" + i + ": g=" + g[off + i] + " x=" + x[off + i]);
                }
                for (int i = 0; i < 2 * off; i++) {
                    assertEquals(7f, out[i], "written only from the output offset");
                }
            }
        }
    }

    /** The vector ReLU (alone and after a bias) against the scalar twin, bit for bit, over special values and offsets. */
    @Test
    void reluAndBiasReluGiveTheScalarBits() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        Random r = new Random(5);
        for (int n = 0; n <= 56; n++) {
            for (int off : new int[] {0, 3}) {
                float[] x = new float[n + off];
                float[] bias = new float[n + off];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextInt(2) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextFloat() - 0.5f;
                    bias[i] = r.nextInt(2) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextFloat() - 0.5f;
                }
                float[] out = new float[n + 2 * off];
                VectorElementwise.relu(x, off, out, 2 * off, n);
                float[] c = java.util.Arrays.copyOf(x, x.length);
                VectorElementwise.biasRelu(c, off, bias, off, n);
                for (int i = 0; i < n; i++) {
                    float xi = x[off + i];
                    assertEquals(Float.floatToRawIntBits(CpuBinaryKernels.relu(xi)), Float.floatToRawIntBits(out[2 * off + i]),
                            "relu, n=" + n + " i=" + i + ": x=" + xi);
                    float sum = xi + bias[off + i];   // NaN + NaN: which payload survives is the CPU's choice
                    assertEquals(Float.floatToIntBits(CpuBinaryKernels.relu(sum)), Float.floatToIntBits(c[off + i]),
                            "bias+relu, n=" + n + " i=" + i + ": x=" + xi + " bias=" + bias[off + i]);
                }
            }
        }
    }
}
