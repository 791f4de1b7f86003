package io.clgrad.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link PackedLinear}; its plain twin is {@link PackedLinear.Plain}. A panel
 * is four vectors of outputs (NB = 4·L floats, L the preferred species' length): per k step, one
 * broadcast of x[p], four loads that continue the panel's single stream, and four fused multiply-adds
 * into four accumulators, stored once at the end ({@link #panelRows}: the same over a list of the
 * inputs that are not zero, each step's four loads at that input's place; the pair methods do two
 * panels in one loop, eight accumulators). The four loops are written out, not shared through a
 * helper taking or returning vectors: on Java 17, vectors that cross a call C2 does not inline are
 * boxed (design-notes.md, "Convolutions without a patch matrix on the CPU", the Java 17 Vector API
 * lessons). Each multiply-add is written {@code xp.fma(load, s)}, the loaded weights second: C2
 * then folds the load into the instruction ({@code vfmadd231ps ymm, ymm, [mem]}); written
 * {@code load.fma(xp, s)} it loaded all eight vectors of a pair into registers first, which with
 * AVX2's 16 registers left one accumulator on the stack, a store and a reload in every step's
 * dependency chain (the pair kernel took 3.2 against 1.8 µs per pair of panels from L2). The
 * product is the same either way. Loaded by reflection only when {@code jdk.incubator.vector} is
 * present.
 */
final class VectorPackedLinear implements PackedLinear.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NB = 4 * L;

    @Override
    public int panel() {
        return NB;
    }

    @Override
    public void panel(int k, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        if (k == 0) {
            java.util.Arrays.fill(y, yOff, yOff + NB, 0f);
            return;
        }
        // the accumulators start from the first step's products (fma onto +0, as a loop from zero would),
        // not from FloatVector.zero: with a zero vector merged in after the loop, Java 17's C2 lost the
        // stores' exact vector class in the panel's compiled code, left them unintrinsified and boxed
        // the vectors (batch-1 MLP forward: medians over six JVM starts each, 22.9 against 20.3 µs after)
        FloatVector x0 = FloatVector.broadcast(S, x[xOff]);
        FloatVector z = FloatVector.broadcast(S, 0f);
        FloatVector s0 = x0.fma(FloatVector.fromArray(S, w, wOff), z);
        FloatVector s1 = x0.fma(FloatVector.fromArray(S, w, wOff + L), z);
        FloatVector s2 = x0.fma(FloatVector.fromArray(S, w, wOff + 2 * L), z);
        FloatVector s3 = x0.fma(FloatVector.fromArray(S, w, wOff + 3 * L), z);
        for (int p = 1; p < k; p++) {
            int o = wOff + p * NB;
            FloatVector xp = FloatVector.broadcast(S, x[xOff + p]);
            s0 = xp.fma(FloatVector.fromArray(S, w, o), s0);
            s1 = xp.fma(FloatVector.fromArray(S, w, o + L), s1);
            s2 = xp.fma(FloatVector.fromArray(S, w, o + 2 * L), s2);
            s3 = xp.fma(FloatVector.fromArray(S, w, o + 3 * L), s3);
        }
        s0.add(z).intoArray(y, yOff);
        s1.add(z).intoArray(y, yOff + L);
        s2.add(z).intoArray(y, yOff + 2 * L);
        s3.add(z).intoArray(y, yOff + 3 * L);
    }

    @Override
    public void panelRows(int count, int[] rows, int rowsOff, float[] x, int xOff, float[] w, int wOff,
                          float[] y, int yOff) {
        if (count == 0) {
            java.util.Arrays.fill(y, yOff, yOff + NB, 0f);
            return;
        }
        // as panel: the accumulators start from the first listed input's products onto +0
        int p0 = rows[rowsOff];
        int o0 = wOff + p0 * NB;
        FloatVector x0 = FloatVector.broadcast(S, x[xOff + p0]);
        FloatVector z = FloatVector.broadcast(S, 0f);
        FloatVector s0 = x0.fma(FloatVector.fromArray(S, w, o0), z);
        FloatVector s1 = x0.fma(FloatVector.fromArray(S, w, o0 + L), z);
        FloatVector s2 = x0.fma(FloatVector.fromArray(S, w, o0 + 2 * L), z);
        FloatVector s3 = x0.fma(FloatVector.fromArray(S, w, o0 + 3 * L), z);
        for (int i = 1; i < count; i++) {
            int p = rows[rowsOff + i];
            int o = wOff + p * NB;
            FloatVector xp = FloatVector.broadcast(S, x[xOff + p]);
            s0 = xp.fma(FloatVector.fromArray(S, w, o), s0);
            s1 = xp.fma(FloatVector.fromArray(S, w, o + L), s1);
            s2 = xp.fma(FloatVector.fromArray(S, w, o + 2 * L), s2);
            s3 = xp.fma(FloatVector.fromArray(S, w, o + 3 * L), s3);
        }
        s0.add(z).intoArray(y, yOff);
        s1.add(z).intoArray(y, yOff + L);
        s2.add(z).intoArray(y, yOff + 2 * L);
        s3.add(z).intoArray(y, yOff + 3 * L);
    }

    @Override
    public void panelPair(int k, int span, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        if (k == 0) {
            java.util.Arrays.fill(y, yOff, yOff + 2 * NB, 0f);
            return;
        }
        int v0 = wOff + span * NB;
        FloatVector x0 = FloatVector.broadcast(S, x[xOff]);
        FloatVector z = FloatVector.broadcast(S, 0f);
        FloatVector s0 = x0.fma(FloatVector.fromArray(S, w, wOff), z);
        FloatVector s1 = x0.fma(FloatVector.fromArray(S, w, wOff + L), z);
        FloatVector s2 = x0.fma(FloatVector.fromArray(S, w, wOff + 2 * L), z);
        FloatVector s3 = x0.fma(FloatVector.fromArray(S, w, wOff + 3 * L), z);
        FloatVector t0 = x0.fma(FloatVector.fromArray(S, w, v0), z);
        FloatVector t1 = x0.fma(FloatVector.fromArray(S, w, v0 + L), z);
        FloatVector t2 = x0.fma(FloatVector.fromArray(S, w, v0 + 2 * L), z);
        FloatVector t3 = x0.fma(FloatVector.fromArray(S, w, v0 + 3 * L), z);
        for (int p = 1; p < k; p++) {
            int o = wOff + p * NB;
            int o2 = v0 + p * NB;
            FloatVector xp = FloatVector.broadcast(S, x[xOff + p]);
            s0 = xp.fma(FloatVector.fromArray(S, w, o), s0);
            s1 = xp.fma(FloatVector.fromArray(S, w, o + L), s1);
            s2 = xp.fma(FloatVector.fromArray(S, w, o + 2 * L), s2);
            s3 = xp.fma(FloatVector.fromArray(S, w, o + 3 * L), s3);
            t0 = xp.fma(FloatVector.fromArray(S, w, o2), t0);
            t1 = xp.fma(FloatVector.fromArray(S, w, o2 + L), t1);
            t2 = xp.fma(FloatVector.fromArray(S, w, o2 + 2 * L), t2);
            t3 = xp.fma(FloatVector.fromArray(S, w, o2 + 3 * L), t3);
        }
        s0.add(z).intoArray(y, yOff);
        s1.add(z).intoArray(y, yOff + L);
        s2.add(z).intoArray(y, yOff + 2 * L);
        s3.add(z).intoArray(y, yOff + 3 * L);
        t0.add(z).intoArray(y, yOff + NB);
        t1.add(z).intoArray(y, yOff + NB + L);
        t2.add(z).intoArray(y, yOff + NB + 2 * L);
        t3.add(z).intoArray(y, yOff + NB + 3 * L);
    }

    @Override
    public void panelRowsPair(int count, int[] rows, int rowsOff, int k, float[] x, int xOff, float[] w, int wOff,
                              float[] y, int yOff) {
        if (count == 0) {
            java.util.Arrays.fill(y, yOff, yOff + 2 * NB, 0f);
            return;
        }
        int v0 = wOff + k * NB;
        int p0 = rows[rowsOff];
        FloatVector x0 = FloatVector.broadcast(S, x[xOff + p0]);
        FloatVector z = FloatVector.broadcast(S, 0f);
        int o0 = wOff + p0 * NB;
        int q0 = v0 + p0 * NB;
        FloatVector s0 = x0.fma(FloatVector.fromArray(S, w, o0), z);
        FloatVector s1 = x0.fma(FloatVector.fromArray(S, w, o0 + L), z);
        FloatVector s2 = x0.fma(FloatVector.fromArray(S, w, o0 + 2 * L), z);
        FloatVector s3 = x0.fma(FloatVector.fromArray(S, w, o0 + 3 * L), z);
        FloatVector t0 = x0.fma(FloatVector.fromArray(S, w, q0), z);
        FloatVector t1 = x0.fma(FloatVector.fromArray(S, w, q0 + L), z);
        FloatVector t2 = x0.fma(FloatVector.fromArray(S, w, q0 + 2 * L), z);
        FloatVector t3 = x0.fma(FloatVector.fromArray(S, w, q0 + 3 * L), z);
        for (int i = 1; i < count; i++) {
            int p = rows[rowsOff + i];
            int o = wOff + p * NB;
            int o2 = v0 + p * NB;
            FloatVector xp = FloatVector.broadcast(S, x[xOff + p]);
            s0 = xp.fma(FloatVector.fromArray(S, w, o), s0);
            s1 = xp.fma(FloatVector.fromArray(S, w, o + L), s1);
            s2 = xp.fma(FloatVector.fromArray(S, w, o + 2 * L), s2);
            s3 = xp.fma(FloatVector.fromArray(S, w, o + 3 * L), s3);
            t0 = xp.fma(FloatVector.fromArray(S, w, o2), t0);
            t1 = xp.fma(FloatVector.fromArray(S, w, o2 + L), t1);
            t2 = xp.fma(FloatVector.fromArray(S, w, o2 + 2 * L), t2);
            t3 = xp.fma(FloatVector.fromArray(S, w, o2 + 3 * L), t3);
        }
        s0.add(z).intoArray(y, yOff);
        s1.add(z).intoArray(y, yOff + L);
        s2.add(z).intoArray(y, yOff + 2 * L);
        s3.add(z).intoArray(y, yOff + 3 * L);
        t0.add(z).intoArray(y, yOff + NB);
        t1.add(z).intoArray(y, yOff + NB + L);
        t2.add(z).intoArray(y, yOff + NB + 2 * L);
        t3.add(z).intoArray(y, yOff + NB + 3 * L);
    }

    @Override
    public int nonZeros(float[] x, int off, int n) {
        int count = 0;
        int p = 0;
        for (; p <= n - L; p += L) {
            count += FloatVector.fromArray(S, x, off + p).compare(VectorOperators.NE, 0f).trueCount();
        }
        for (; p < n; p++) {
            count += x[off + p] != 0f ? 1 : 0;
        }
        return count;
    }

    @Override
    public void addTo(int n, float[] src, int srcOff, float[] dst, int dstOff) {
        int j = 0;
        for (; j <= n - L; j += L) {
            FloatVector.fromArray(S, dst, dstOff + j).add(FloatVector.fromArray(S, src, srcOff + j)).intoArray(dst, dstOff + j);
        }
        for (; j < n; j++) {
            dst[dstOff + j] += src[srcOff + j];
        }
    }

    // Loops written out per case: C2 does not vectorise the plain loop (it cannot tell y from the sums' array)
    @Override
    public void combine(int n, float[] a, int aOff, float[] b, int bOff, float[] bias, boolean relu, float[] y, int yOff) {
        int j = 0;
        if (bias != null && relu) {
            for (; j <= n - L; j += L) {
                VectorElementwise.relu(FloatVector.fromArray(S, a, aOff + j).add(FloatVector.fromArray(S, b, bOff + j))
                        .add(FloatVector.fromArray(S, bias, j))).intoArray(y, yOff + j);
            }
        } else if (bias != null) {
            for (; j <= n - L; j += L) {
                FloatVector.fromArray(S, a, aOff + j).add(FloatVector.fromArray(S, b, bOff + j))
                        .add(FloatVector.fromArray(S, bias, j)).intoArray(y, yOff + j);
            }
        } else if (relu) {
            for (; j <= n - L; j += L) {
                VectorElementwise.relu(FloatVector.fromArray(S, a, aOff + j).add(FloatVector.fromArray(S, b, bOff + j)))
                        .intoArray(y, yOff + j);
            }
        } else {
            for (; j <= n - L; j += L) {
                FloatVector.fromArray(S, a, aOff + j).add(FloatVector.fromArray(S, b, bOff + j)).intoArray(y, yOff + j);
            }
        }
        for (; j < n; j++) {
            float v = a[aOff + j] + b[bOff + j];
            v = bias == null ? v : v + bias[j];
            y[yOff + j] = relu ? CpuBinaryKernels.relu(v) : v;
        }
    }
}
