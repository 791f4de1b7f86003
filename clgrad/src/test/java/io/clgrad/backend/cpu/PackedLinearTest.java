package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.StridedView;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PackedLinear}, the few-row Linear forward from a packed weight, with each kernel
 * ({@link PackedLinear.Plain} and the Vector API {@code VectorPackedLinear}) forced, against a
 * double-precision reference: 1 to {@link PackedLinear#MAX_ROWS} rows, outputs around the panel
 * widths (16 plain, 32 or 64 vector: tail rows after the whole panels, layers of tail rows only, odd and even
 * numbers of panels, which the kernels take two at a time), inputs around the vector length, W
 * row-major, transposed and offset, x transposed, strided and offset, with and without bias and
 * ReLU, on one thread and on two that split the panels of every product; the two kernels agree bit
 * for bit (each output's products added in the same order with a fused multiply-add); and the CPU
 * backend's SPI entries check their arguments.
 */
class PackedLinearTest {
    private static final int[] OUTS = {1, 10, 15, 16, 17, 31, 33, 63, 64, 65, 130, 200, 512};
    private static final int[] INS = {1, 3, 16, 17, 100, 784};
    private static final CpuParallel[] POOLS = {new CpuParallel(1), new CpuParallel(2)};

    @AfterAll
    static void stop() {
        for (CpuParallel p : POOLS) {
            p.shutdown();
        }
    }

    /** The packed path with the vector or plain kernel, splitting over {@code par} from any size when it has threads (PackedLinearChainTest uses it too). */
    static PackedLinear path(boolean vector, CpuParallel par) {
        if (vector) {
            assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        }
        PackedLinear p = new PackedLinear(par, vector, par.threads() > 1 ? 0 : Double.MAX_VALUE);
        assertEquals(vector, p.usesVector(), "kernel loaded");
        return p;
    }

    /** One case: W [out, in] at {@code w[wOff + j*wr + p*wc]}, x [m, in] at {@code x[xOff + i*xr + p*xc]}. */
    private record Case(int m, int out, int in, boolean wT, boolean xT, int off, float[] bias, boolean relu) {
        int wr() {
            return wT ? 1 : in;
        }

        int wc() {
            return wT ? out : 1;
        }

        int xr() {
            return xT ? 1 : in + 3;   // rows of x not back to back
        }

        int xc() {
            return xT ? m : 1;
        }
    }

    private static float[] run(PackedLinear pl, Case c, float[] w, float[] x) {
        float[] packed = new float[(int) pl.packedSize(c.out, c.in)];
        assertEquals((long) c.out * c.in + PackedLinear.DIRECTION_GAP + 1, packed.length, "W, the finite flag and the direction");
        java.util.Arrays.fill(packed, Float.NaN);   // every element must be written
        pl.pack(w, c.off, c.wr(), c.wc(), c.out, c.in, packed);
        MatmulSpec spec = new MatmulSpec(1, c.m, c.out, c.in, c.off, 0, c.xr(), c.xc(), 0, 0, 1, c.in);
        float[] y = new float[c.m * c.out];
        pl.run(spec, x, packed, c.bias, c.relu, y);
        return y;
    }

    private static String mismatch(Case c, float[] w, float[] x, float[] y) {
        for (int i = 0; i < c.m; i++) {
            for (int j = 0; j < c.out; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < c.in; p++) {
                    double t = (double) x[c.off + i * c.xr() + p * c.xc()] * w[c.off + j * c.wr() + p * c.wc()];
                    sum += t;
                    abs += Math.abs(t);
                }
                if (c.bias != null) {
                    sum += c.bias[j];
                    abs += Math.abs(c.bias[j]);
                }
                if (c.relu) {
                    sum = Math.max(sum, 0);
                }
                double tol = 1e-6 + 4e-7 * Math.sqrt(c.in) * abs;
                if (!(Math.abs(y[i * c.out + j] - sum) <= tol)) {
                    return c + " at [" + i + "," + j + "]: got " + y[i * c.out + j] + ", want " + sum;
                }
            }
        }
        return null;
    }

    private static List<Case> cases(Random r) {
        List<Case> out = new ArrayList<>();
        int t = 0;
        for (int m = 1; m <= PackedLinear.MAX_ROWS; m++) {
            for (int o : OUTS) {
                for (int in : INS) {
                    t++;
                    float[] bias = t % 3 == 0 ? null : GemmReference.uniform(r, o);
                    out.add(new Case(m, o, in, (t & 1) != 0, (t & 2) != 0, t % 5, bias, t % 3 == 2));
                }
            }
        }
        return out;
    }

    private static float[] data(Random r, int n) {
        return GemmReference.uniform(r, n);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void everyShapeAndLayoutMatchesTheDoubleReference(boolean vector) {
        Random r = new Random(21);
        List<String> failures = new ArrayList<>();
        for (CpuParallel par : POOLS) {
            PackedLinear pl = path(vector, par);
            for (Case c : cases(r)) {
                float[] w = data(r, c.off + c.out * c.in);
                float[] x = data(r, c.off + c.m * (c.in + 3));
                String f = mismatch(c, w, x, run(pl, c, w, x));
                if (f != null) {
                    failures.add(par.threads() + " threads: " + f);
                }
            }
        }
        GemmReference.assertNone(failures);
    }

    /** The panels' outputs (those below the vector kernel's last whole panel; the tail rows take SmallGemm's dot form). */
    @Test
    void theVectorKernelEqualsItsPlainTwinBitForBit() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        Random r = new Random(22);
        PackedLinear plain = path(false, POOLS[1]);
        PackedLinear vector = path(true, POOLS[1]);
        int nb = vector.panelWidth();
        assertEquals(0, nb % plain.panelWidth(), "the plain panels tile the vector ones");
        int compared = 0;
        for (Case c : cases(r)) {
            float[] w = data(r, c.off + c.out * c.in);
            float[] x = data(r, c.off + c.m * (c.in + 3));
            float[] p = run(plain, c, w, x);
            float[] v = run(vector, c, w, x);
            int panelOutputs = c.out / nb * nb;
            for (int i = 0; i < c.m; i++) {
                for (int j = 0; j < panelOutputs; j++) {
                    assertEquals(p[i * c.out + j], v[i * c.out + j], 0f, c + " at [" + i + "," + j + "]");
                    compared++;
                }
            }
        }
        assertTrue(compared > 1000, "compared " + compared);
    }

    /** Calls on one copy walk its panels forward and backward in turn (the flag at its end flips); the bits are the same either way. */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {false, true})
    void bothWalkingDirectionsGiveTheSameBits(boolean vector) {
        Random r = new Random(24);
        for (CpuParallel par : POOLS) {
            PackedLinear pl = path(vector, par);
            for (int out : new int[] {200, 512, 65}) {
                for (int m = 1; m <= 2; m++) {
                    int in = 97;
                    float[] w = data(r, out * in);
                    float[] x = data(r, m * (in + 3));   // rows in + 3 apart, as Case's
                    for (int e = 0; e < x.length; e += 2) {
                        x[e] = 0f;   // half zeros: the rows skip them, and both directions do
                    }
                    float[] bias = out == 65 ? null : data(r, out);
                    boolean relu = out == 200;
                    float[] packed = new float[(int) pl.packedSize(out, in)];
                    pl.pack(w, 0, in, 1, out, in, packed);
                    MatmulSpec spec = new MatmulSpec(1, m, out, in, 0, 0, in + 3, 1, 0, 0, 1, in);
                    float[] first = new float[m * out];
                    float[] second = new float[m * out];
                    float[] third = new float[m * out];
                    assertEquals(0f, packed[out * in + PackedLinear.DIRECTION_GAP], "a new copy is walked forward first");
                    pl.run(spec, x, packed, bias, relu, first);
                    assertEquals(1f, packed[out * in + PackedLinear.DIRECTION_GAP], "then backward");
                    pl.run(spec, x, packed, bias, relu, second);
                    pl.run(spec, x, packed, bias, relu, third);
                    String where = par.threads() + " threads, out " + out + ", " + m + " rows";
                    for (int e = 0; e < first.length; e++) {
                        assertEquals(Float.floatToRawIntBits(first[e]), Float.floatToRawIntBits(second[e]), where + " at " + e);
                        assertEquals(Float.floatToRawIntBits(first[e]), Float.floatToRawIntBits(third[e]), where + " at " + e);
                    }
                    assertEquals(null, mismatch(new Case(m, out, in, false, false, 0, bias, relu), w, x, second), where);
                }
            }
        }
    }

    /** The CPU backend's SPI entries: sizes in whole panels, the result as the reference, and clear errors. */
    @Test
    void theBackendEntriesComputeAndCheckTheirArguments() {
        try (CpuBackend b = new CpuBackend(2)) {
            int out = 70;
            int in = 19;
            long size = b.packedLinearWeightSize(out, in);
            assertEquals((long) out * in + PackedLinear.DIRECTION_GAP + 1, size, "the packed copy is W, the finite flag and the direction");
            assertEquals(0, b.packedLinearWeightSize(0, in));
            Random r = new Random(23);
            float[] w = data(r, out * in);
            float[] x = data(r, 2 * (in + 3));   // rows in + 3 apart, as Case's
            float[] bias = data(r, out);
            Buffer wb = b.allocate(ElementType.F32, w.length);
            Buffer xb = b.allocate(ElementType.F32, x.length);
            Buffer bb = b.allocate(ElementType.F32, out);
            Buffer packed = b.allocate(ElementType.F32, size);
            Buffer y = b.allocate(ElementType.F32, 2L * out);
            b.write(wb, 0, w, 0, w.length);
            b.write(xb, 0, x, 0, x.length);
            b.write(bb, 0, bias, 0, out);
            b.packLinearWeight(new StridedView(wb, 0, new int[] {out, in}, new int[] {in, 1}), packed);
            MatmulSpec spec = new MatmulSpec(1, 2, out, in, 0, 0, in + 3, 1, 0, 0, 1, in);
            b.addmmPacked(spec, xb, packed, bb, true, y);
            float[] got = new float[2 * out];
            b.read(y, 0, got, 0, got.length);
            assertEquals(null, mismatch(new Case(2, out, in, false, false, 0, bias, true), w, x, got));

            MatmulSpec tooMany = new MatmulSpec(1, Backend.PACKED_LINEAR_MAX_ROWS + 1, out, in, 0, 0, in, 1, 0, 0, 1, in);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> b.addmmPacked(tooMany, xb, packed, bb, false, y));
            assertTrue(e.getMessage().contains("1 to " + Backend.PACKED_LINEAR_MAX_ROWS + " rows"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.packLinearWeight(
                    new StridedView(wb, 5, new int[] {out, in}, new int[] {in, 1}), packed));
            assertTrue(e.getMessage().contains("outside its buffer"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> b.packLinearWeight(
                    new StridedView(wb, 0, new int[] {out * in}, new int[] {1}), packed));
            assertTrue(e.getMessage().contains("[out, in]"), e.getMessage());
            for (Buffer buf : new Buffer[] {wb, xb, bb, packed, y}) {
                b.free(buf);
            }
        }
    }
}
