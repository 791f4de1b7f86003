package io.clgrad.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link DirectConv}; their plain twin is {@link DirectConv.Plain} with the
 * same lanes and tiles. With 16-float vectors (AVX-512: 32 registers) a forward tile is 8 channels ×
 * 3 vectors (a plane's last tile 2 or 1: 224 positions of CNN layer 2, not 240) (24 accumulators; per tap three loads of the shifted input and eight broadcasts of the
 * packed weights) and a weight-gradient tile 4 channels × 6 taps (24 accumulators; per step four
 * gradient and six input loads); with shorter vectors 4 channels and a weight-gradient tile of 2.
 * With AVX2's 16 registers the 4-channel forward tiles hold at most 2 vectors and the 2 × 6
 * weight-gradient tile runs as two passes of 2 × 3 taps: C2 loads a step's vectors before its multiply-adds, and 4 × 3
 * (12 accumulators, 3 inputs, 4 broadcasts) or 2 × 6 (12 accumulators, 2 gradients, 6 inputs) left
 * two or three accumulators on the stack, a store and a reload in every step's dependency chain.
 * (The 8-channel tiles, there only when chosen explicitly, {@code -Dclgrad.cpu.conv=direct=8} or a
 * tuning run timing them, still spill with 16 registers; the built-in choice there is 4.) Each sum
 * is the same in every tile shape. Loaded by reflection only when
 * {@code jdk.incubator.vector} is present.
 *
 * <p>Written out as {@link VectorKernels}' tiles are: one method per tile, the loop counted on the
 * packed weights' index, every accumulator loaded and stored inline. A first version that stored
 * the tile through a helper taking three vectors ran at half the speed (55 against 112 GFLOP/s on
 * one Zen 4 core, CNN layer 2's shapes): on Java 17 vectors passed to a call that is not inlined
 * are boxed.
 */
final class VectorDirectConv implements DirectConv.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private final boolean wide;
    /** Whether the instruction set has 16 vector registers (AVX2), not 32: smaller tiles, above. */
    private final boolean fewRegisters;

    /** The tiles for this machine's vector length. */
    VectorDirectConv() {
        this(CpuConvConfig.autoDirectTile(L) == 8);
    }

    /** The wide (8-channel) or narrow (4-channel) tiles (tests run both). */
    VectorDirectConv(boolean wide) {
        this(wide, CpuFacts.registers(System.getProperty("os.arch"), L) < 32);
    }

    /** As {@link #VectorDirectConv(boolean)}, with the 16-register tiles or not (tests run both on any machine). */
    VectorDirectConv(boolean wide, boolean fewRegisters) {
        this.wide = wide;
        this.fewRegisters = fewRegisters;
    }

    @Override
    public DirectConv.Kernel withRowTile(int rows) {
        return new VectorDirectConv(DirectConv.checkRowTile(rows) == 8, fewRegisters);
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public int rowTile() {
        return wide ? 8 : 4;
    }

    @Override
    public int vectors() {
        return fewRegisters ? 2 : DirectConv.VECS;
    }

    @Override
    public int gradRowTile() {
        return wide ? 4 : 2;
    }

    /**
     * Whole vectors per output row, the last one running into the following rows (stored after it)
     * as far as {@code limit}; the rest as single floats. A scalar loop of 14 or 28 floats per row
     * (the CNN's planes) left most of each row to C2's scalar post-loop.
     */
    @Override
    public void storePlane(float[] tile, int s, int tileEnd, int wp, int outH, int outW, float b, float[] dst,
                           int d, int limit) {
        int lim = Math.min(limit, dst.length);
        for (int oh = 0; oh < outH; oh++) {
            int src = s + oh * wp;
            int out = d + oh * outW;
            int ow = 0;
            for (; ow < outW && src + ow + L <= tileEnd && out + ow + L <= lim; ow += L) {
                FloatVector.fromArray(S, tile, src + ow).add(b).intoArray(dst, out + ow);
            }
            for (; ow < outW; ow++) {
                dst[out + ow] = tile[src + ow] + b;
            }
        }
    }

    @Override
    public void rows(int vectors, int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                     int outOff, int outStride) {
        int tile = (wide ? 8 : 0) + vectors;   // one method per tile: each a loop with its accumulators in registers
        switch (tile) {
            case 8 + 3 -> rows8x3(taps, w, wOff, off, x, xOff, out, outOff, outStride);
            case 8 + 2 -> rows8x2(taps, w, wOff, off, x, xOff, out, outOff, outStride);
            case 8 + 1 -> rows8x1(taps, w, wOff, off, x, xOff, out, outOff, outStride);
            case 3 -> rows4x3(taps, w, wOff, off, x, xOff, out, outOff, outStride);
            case 2 -> rows4x2(taps, w, wOff, off, x, xOff, out, outOff, outStride);
            case 1 -> rows4x1(taps, w, wOff, off, x, xOff, out, outOff, outStride);
            default -> throw new IllegalArgumentException("no tile of " + vectors + " vectors");
        }
    }

    private static void rows8x3(int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                              int outOff, int outStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c0_1 = z;
        FloatVector c0_2 = z;
        FloatVector c1_0 = z;
        FloatVector c1_1 = z;
        FloatVector c1_2 = z;
        FloatVector c2_0 = z;
        FloatVector c2_1 = z;
        FloatVector c2_2 = z;
        FloatVector c3_0 = z;
        FloatVector c3_1 = z;
        FloatVector c3_2 = z;
        FloatVector c4_0 = z;
        FloatVector c4_1 = z;
        FloatVector c4_2 = z;
        FloatVector c5_0 = z;
        FloatVector c5_1 = z;
        FloatVector c5_2 = z;
        FloatVector c6_0 = z;
        FloatVector c6_1 = z;
        FloatVector c6_2 = z;
        FloatVector c7_0 = z;
        FloatVector c7_1 = z;
        FloatVector c7_2 = z;
        int t = 0;
        for (int wo = wOff, end = wOff + taps * 8; wo < end; wo += 8, t++) {
            int xo = xOff + off[t];
            FloatVector b0 = FloatVector.fromArray(S, x, xo);
            FloatVector b1 = FloatVector.fromArray(S, x, xo + L);
            FloatVector b2 = FloatVector.fromArray(S, x, xo + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, w[wo]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, w[wo + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, w[wo + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, w[wo + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
            FloatVector a4 = FloatVector.broadcast(S, w[wo + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            c4_2 = b2.fma(a4, c4_2);
            FloatVector a5 = FloatVector.broadcast(S, w[wo + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            c5_2 = b2.fma(a5, c5_2);
            FloatVector a6 = FloatVector.broadcast(S, w[wo + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            c6_2 = b2.fma(a6, c6_2);
            FloatVector a7 = FloatVector.broadcast(S, w[wo + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
            c7_2 = b2.fma(a7, c7_2);
        }
        int o0 = outOff;
        int o1 = outOff + outStride;
        int o2 = outOff + 2 * outStride;
        int o3 = outOff + 3 * outStride;
        int o4 = outOff + 4 * outStride;
        int o5 = outOff + 5 * outStride;
        int o6 = outOff + 6 * outStride;
        int o7 = outOff + 7 * outStride;
        c0_0.intoArray(out, o0);
        c0_1.intoArray(out, o0 + L);
        c0_2.intoArray(out, o0 + 2 * L);
        c1_0.intoArray(out, o1);
        c1_1.intoArray(out, o1 + L);
        c1_2.intoArray(out, o1 + 2 * L);
        c2_0.intoArray(out, o2);
        c2_1.intoArray(out, o2 + L);
        c2_2.intoArray(out, o2 + 2 * L);
        c3_0.intoArray(out, o3);
        c3_1.intoArray(out, o3 + L);
        c3_2.intoArray(out, o3 + 2 * L);
        c4_0.intoArray(out, o4);
        c4_1.intoArray(out, o4 + L);
        c4_2.intoArray(out, o4 + 2 * L);
        c5_0.intoArray(out, o5);
        c5_1.intoArray(out, o5 + L);
        c5_2.intoArray(out, o5 + 2 * L);
        c6_0.intoArray(out, o6);
        c6_1.intoArray(out, o6 + L);
        c6_2.intoArray(out, o6 + 2 * L);
        c7_0.intoArray(out, o7);
        c7_1.intoArray(out, o7 + L);
        c7_2.intoArray(out, o7 + 2 * L);
    }

    private static void rows8x2(int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                              int outOff, int outStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c0_1 = z;
        FloatVector c1_0 = z;
        FloatVector c1_1 = z;
        FloatVector c2_0 = z;
        FloatVector c2_1 = z;
        FloatVector c3_0 = z;
        FloatVector c3_1 = z;
        FloatVector c4_0 = z;
        FloatVector c4_1 = z;
        FloatVector c5_0 = z;
        FloatVector c5_1 = z;
        FloatVector c6_0 = z;
        FloatVector c6_1 = z;
        FloatVector c7_0 = z;
        FloatVector c7_1 = z;
        int t = 0;
        for (int wo = wOff, end = wOff + taps * 8; wo < end; wo += 8, t++) {
            int xo = xOff + off[t];
            FloatVector b0 = FloatVector.fromArray(S, x, xo);
            FloatVector b1 = FloatVector.fromArray(S, x, xo + L);
            FloatVector a0 = FloatVector.broadcast(S, w[wo]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, w[wo + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, w[wo + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, w[wo + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, w[wo + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, w[wo + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, w[wo + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, w[wo + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
        }
        int o0 = outOff;
        int o1 = outOff + outStride;
        int o2 = outOff + 2 * outStride;
        int o3 = outOff + 3 * outStride;
        int o4 = outOff + 4 * outStride;
        int o5 = outOff + 5 * outStride;
        int o6 = outOff + 6 * outStride;
        int o7 = outOff + 7 * outStride;
        c0_0.intoArray(out, o0);
        c0_1.intoArray(out, o0 + L);
        c1_0.intoArray(out, o1);
        c1_1.intoArray(out, o1 + L);
        c2_0.intoArray(out, o2);
        c2_1.intoArray(out, o2 + L);
        c3_0.intoArray(out, o3);
        c3_1.intoArray(out, o3 + L);
        c4_0.intoArray(out, o4);
        c4_1.intoArray(out, o4 + L);
        c5_0.intoArray(out, o5);
        c5_1.intoArray(out, o5 + L);
        c6_0.intoArray(out, o6);
        c6_1.intoArray(out, o6 + L);
        c7_0.intoArray(out, o7);
        c7_1.intoArray(out, o7 + L);
    }

    private static void rows8x1(int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                              int outOff, int outStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c1_0 = z;
        FloatVector c2_0 = z;
        FloatVector c3_0 = z;
        FloatVector c4_0 = z;
        FloatVector c5_0 = z;
        FloatVector c6_0 = z;
        FloatVector c7_0 = z;
        int t = 0;
        for (int wo = wOff, end = wOff + taps * 8; wo < end; wo += 8, t++) {
            int xo = xOff + off[t];
            FloatVector b0 = FloatVector.fromArray(S, x, xo);
            FloatVector a0 = FloatVector.broadcast(S, w[wo]);
            c0_0 = b0.fma(a0, c0_0);
            FloatVector a1 = FloatVector.broadcast(S, w[wo + 1]);
            c1_0 = b0.fma(a1, c1_0);
            FloatVector a2 = FloatVector.broadcast(S, w[wo + 2]);
            c2_0 = b0.fma(a2, c2_0);
            FloatVector a3 = FloatVector.broadcast(S, w[wo + 3]);
            c3_0 = b0.fma(a3, c3_0);
            FloatVector a4 = FloatVector.broadcast(S, w[wo + 4]);
            c4_0 = b0.fma(a4, c4_0);
            FloatVector a5 = FloatVector.broadcast(S, w[wo + 5]);
            c5_0 = b0.fma(a5, c5_0);
            FloatVector a6 = FloatVector.broadcast(S, w[wo + 6]);
            c6_0 = b0.fma(a6, c6_0);
            FloatVector a7 = FloatVector.broadcast(S, w[wo + 7]);
            c7_0 = b0.fma(a7, c7_0);
        }
        int o0 = outOff;
        int o1 = outOff + outStride;
        int o2 = outOff + 2 * outStride;
        int o3 = outOff + 3 * outStride;
        int o4 = outOff + 4 * outStride;
        int o5 = outOff + 5 * outStride;
        int o6 = outOff + 6 * outStride;
        int o7 = outOff + 7 * outStride;
        c0_0.intoArray(out, o0);
        c1_0.intoArray(out, o1);
        c2_0.intoArray(out, o2);
        c3_0.intoArray(out, o3);
        c4_0.intoArray(out, o4);
        c5_0.intoArray(out, o5);
        c6_0.intoArray(out, o6);
        c7_0.intoArray(out, o7);
    }

    private static void rows4x3(int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                              int outOff, int outStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c0_1 = z;
        FloatVector c0_2 = z;
        FloatVector c1_0 = z;
        FloatVector c1_1 = z;
        FloatVector c1_2 = z;
        FloatVector c2_0 = z;
        FloatVector c2_1 = z;
        FloatVector c2_2 = z;
        FloatVector c3_0 = z;
        FloatVector c3_1 = z;
        FloatVector c3_2 = z;
        int t = 0;
        for (int wo = wOff, end = wOff + taps * 4; wo < end; wo += 4, t++) {
            int xo = xOff + off[t];
            FloatVector b0 = FloatVector.fromArray(S, x, xo);
            FloatVector b1 = FloatVector.fromArray(S, x, xo + L);
            FloatVector b2 = FloatVector.fromArray(S, x, xo + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, w[wo]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, w[wo + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, w[wo + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, w[wo + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
        }
        int o0 = outOff;
        int o1 = outOff + outStride;
        int o2 = outOff + 2 * outStride;
        int o3 = outOff + 3 * outStride;
        c0_0.intoArray(out, o0);
        c0_1.intoArray(out, o0 + L);
        c0_2.intoArray(out, o0 + 2 * L);
        c1_0.intoArray(out, o1);
        c1_1.intoArray(out, o1 + L);
        c1_2.intoArray(out, o1 + 2 * L);
        c2_0.intoArray(out, o2);
        c2_1.intoArray(out, o2 + L);
        c2_2.intoArray(out, o2 + 2 * L);
        c3_0.intoArray(out, o3);
        c3_1.intoArray(out, o3 + L);
        c3_2.intoArray(out, o3 + 2 * L);
    }

    private static void rows4x2(int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                              int outOff, int outStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c0_1 = z;
        FloatVector c1_0 = z;
        FloatVector c1_1 = z;
        FloatVector c2_0 = z;
        FloatVector c2_1 = z;
        FloatVector c3_0 = z;
        FloatVector c3_1 = z;
        int t = 0;
        for (int wo = wOff, end = wOff + taps * 4; wo < end; wo += 4, t++) {
            int xo = xOff + off[t];
            FloatVector b0 = FloatVector.fromArray(S, x, xo);
            FloatVector b1 = FloatVector.fromArray(S, x, xo + L);
            FloatVector a0 = FloatVector.broadcast(S, w[wo]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, w[wo + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, w[wo + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, w[wo + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
        }
        int o0 = outOff;
        int o1 = outOff + outStride;
        int o2 = outOff + 2 * outStride;
        int o3 = outOff + 3 * outStride;
        c0_0.intoArray(out, o0);
        c0_1.intoArray(out, o0 + L);
        c1_0.intoArray(out, o1);
        c1_1.intoArray(out, o1 + L);
        c2_0.intoArray(out, o2);
        c2_1.intoArray(out, o2 + L);
        c3_0.intoArray(out, o3);
        c3_1.intoArray(out, o3 + L);
    }

    private static void rows4x1(int taps, float[] w, int wOff, int[] off, float[] x, int xOff, float[] out,
                              int outOff, int outStride) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c1_0 = z;
        FloatVector c2_0 = z;
        FloatVector c3_0 = z;
        int t = 0;
        for (int wo = wOff, end = wOff + taps * 4; wo < end; wo += 4, t++) {
            int xo = xOff + off[t];
            FloatVector b0 = FloatVector.fromArray(S, x, xo);
            FloatVector a0 = FloatVector.broadcast(S, w[wo]);
            c0_0 = b0.fma(a0, c0_0);
            FloatVector a1 = FloatVector.broadcast(S, w[wo + 1]);
            c1_0 = b0.fma(a1, c1_0);
            FloatVector a2 = FloatVector.broadcast(S, w[wo + 2]);
            c2_0 = b0.fma(a2, c2_0);
            FloatVector a3 = FloatVector.broadcast(S, w[wo + 3]);
            c3_0 = b0.fma(a3, c3_0);
        }
        int o0 = outOff;
        int o1 = outOff + outStride;
        int o2 = outOff + 2 * outStride;
        int o3 = outOff + 3 * outStride;
        c0_0.intoArray(out, o0);
        c1_0.intoArray(out, o1);
        c2_0.intoArray(out, o2);
        c3_0.intoArray(out, o3);
    }

    @Override
    public void dots(int len, float[] gy, int gOff, int gStride, float[] x, int xOff, int[] off, int tOff,
                     float[] acc) {
        int o0 = xOff + off[tOff];
        int o1 = xOff + off[tOff + 1];
        int o2 = xOff + off[tOff + 2];
        int o3 = xOff + off[tOff + 3];
        int o4 = xOff + off[tOff + 4];
        int o5 = xOff + off[tOff + 5];
        if (wide) {
            dots4(len, gy, gOff, gStride, x, o0, o1, o2, o3, o4, o5, acc);
        } else if (fewRegisters) {
            dots2x3(len, gy, gOff, gStride, x, o0, o1, o2, acc, 0);
            dots2x3(len, gy, gOff, gStride, x, o3, o4, o5, acc, 3);
        } else {
            dots2(len, gy, gOff, gStride, x, o0, o1, o2, o3, o4, o5, acc);
        }
    }

    private static void dots4(int len, float[] gy, int gOff, int gStride, float[] x, int o0, int o1, int o2, int o3,
                              int o4, int o5, float[] acc) {
        FloatVector c0_0 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c0_1 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c0_2 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c0_3 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c0_4 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c0_5 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c1_0 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c1_1 = FloatVector.fromArray(S, acc, 7 * L);
        FloatVector c1_2 = FloatVector.fromArray(S, acc, 8 * L);
        FloatVector c1_3 = FloatVector.fromArray(S, acc, 9 * L);
        FloatVector c1_4 = FloatVector.fromArray(S, acc, 10 * L);
        FloatVector c1_5 = FloatVector.fromArray(S, acc, 11 * L);
        FloatVector c2_0 = FloatVector.fromArray(S, acc, 12 * L);
        FloatVector c2_1 = FloatVector.fromArray(S, acc, 13 * L);
        FloatVector c2_2 = FloatVector.fromArray(S, acc, 14 * L);
        FloatVector c2_3 = FloatVector.fromArray(S, acc, 15 * L);
        FloatVector c2_4 = FloatVector.fromArray(S, acc, 16 * L);
        FloatVector c2_5 = FloatVector.fromArray(S, acc, 17 * L);
        FloatVector c3_0 = FloatVector.fromArray(S, acc, 18 * L);
        FloatVector c3_1 = FloatVector.fromArray(S, acc, 19 * L);
        FloatVector c3_2 = FloatVector.fromArray(S, acc, 20 * L);
        FloatVector c3_3 = FloatVector.fromArray(S, acc, 21 * L);
        FloatVector c3_4 = FloatVector.fromArray(S, acc, 22 * L);
        FloatVector c3_5 = FloatVector.fromArray(S, acc, 23 * L);
        int g0 = gOff;
        int g1 = gOff + gStride;
        int g2 = gOff + 2 * gStride;
        int g3 = gOff + 3 * gStride;
        for (int q = 0; q < len; q += L) {
            FloatVector y0 = FloatVector.fromArray(S, gy, g0 + q);
            FloatVector y1 = FloatVector.fromArray(S, gy, g1 + q);
            FloatVector y2 = FloatVector.fromArray(S, gy, g2 + q);
            FloatVector y3 = FloatVector.fromArray(S, gy, g3 + q);
            FloatVector v0 = FloatVector.fromArray(S, x, o0 + q);
            c0_0 = y0.fma(v0, c0_0);
            c1_0 = y1.fma(v0, c1_0);
            c2_0 = y2.fma(v0, c2_0);
            c3_0 = y3.fma(v0, c3_0);
            FloatVector v1 = FloatVector.fromArray(S, x, o1 + q);
            c0_1 = y0.fma(v1, c0_1);
            c1_1 = y1.fma(v1, c1_1);
            c2_1 = y2.fma(v1, c2_1);
            c3_1 = y3.fma(v1, c3_1);
            FloatVector v2 = FloatVector.fromArray(S, x, o2 + q);
            c0_2 = y0.fma(v2, c0_2);
            c1_2 = y1.fma(v2, c1_2);
            c2_2 = y2.fma(v2, c2_2);
            c3_2 = y3.fma(v2, c3_2);
            FloatVector v3 = FloatVector.fromArray(S, x, o3 + q);
            c0_3 = y0.fma(v3, c0_3);
            c1_3 = y1.fma(v3, c1_3);
            c2_3 = y2.fma(v3, c2_3);
            c3_3 = y3.fma(v3, c3_3);
            FloatVector v4 = FloatVector.fromArray(S, x, o4 + q);
            c0_4 = y0.fma(v4, c0_4);
            c1_4 = y1.fma(v4, c1_4);
            c2_4 = y2.fma(v4, c2_4);
            c3_4 = y3.fma(v4, c3_4);
            FloatVector v5 = FloatVector.fromArray(S, x, o5 + q);
            c0_5 = y0.fma(v5, c0_5);
            c1_5 = y1.fma(v5, c1_5);
            c2_5 = y2.fma(v5, c2_5);
            c3_5 = y3.fma(v5, c3_5);
        }
        c0_0.intoArray(acc, 0 * L);
        c0_1.intoArray(acc, 1 * L);
        c0_2.intoArray(acc, 2 * L);
        c0_3.intoArray(acc, 3 * L);
        c0_4.intoArray(acc, 4 * L);
        c0_5.intoArray(acc, 5 * L);
        c1_0.intoArray(acc, 6 * L);
        c1_1.intoArray(acc, 7 * L);
        c1_2.intoArray(acc, 8 * L);
        c1_3.intoArray(acc, 9 * L);
        c1_4.intoArray(acc, 10 * L);
        c1_5.intoArray(acc, 11 * L);
        c2_0.intoArray(acc, 12 * L);
        c2_1.intoArray(acc, 13 * L);
        c2_2.intoArray(acc, 14 * L);
        c2_3.intoArray(acc, 15 * L);
        c2_4.intoArray(acc, 16 * L);
        c2_5.intoArray(acc, 17 * L);
        c3_0.intoArray(acc, 18 * L);
        c3_1.intoArray(acc, 19 * L);
        c3_2.intoArray(acc, 20 * L);
        c3_3.intoArray(acc, 21 * L);
        c3_4.intoArray(acc, 22 * L);
        c3_5.intoArray(acc, 23 * L);
    }

    private static void dots2(int len, float[] gy, int gOff, int gStride, float[] x, int o0, int o1, int o2, int o3,
                              int o4, int o5, float[] acc) {
        FloatVector c0_0 = FloatVector.fromArray(S, acc, 0 * L);
        FloatVector c0_1 = FloatVector.fromArray(S, acc, 1 * L);
        FloatVector c0_2 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c0_3 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c0_4 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c0_5 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c1_0 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c1_1 = FloatVector.fromArray(S, acc, 7 * L);
        FloatVector c1_2 = FloatVector.fromArray(S, acc, 8 * L);
        FloatVector c1_3 = FloatVector.fromArray(S, acc, 9 * L);
        FloatVector c1_4 = FloatVector.fromArray(S, acc, 10 * L);
        FloatVector c1_5 = FloatVector.fromArray(S, acc, 11 * L);
        int g0 = gOff;
        int g1 = gOff + gStride;
        for (int q = 0; q < len; q += L) {
            FloatVector y0 = FloatVector.fromArray(S, gy, g0 + q);
            FloatVector y1 = FloatVector.fromArray(S, gy, g1 + q);
            FloatVector v0 = FloatVector.fromArray(S, x, o0 + q);
            c0_0 = y0.fma(v0, c0_0);
            c1_0 = y1.fma(v0, c1_0);
            FloatVector v1 = FloatVector.fromArray(S, x, o1 + q);
            c0_1 = y0.fma(v1, c0_1);
            c1_1 = y1.fma(v1, c1_1);
            FloatVector v2 = FloatVector.fromArray(S, x, o2 + q);
            c0_2 = y0.fma(v2, c0_2);
            c1_2 = y1.fma(v2, c1_2);
            FloatVector v3 = FloatVector.fromArray(S, x, o3 + q);
            c0_3 = y0.fma(v3, c0_3);
            c1_3 = y1.fma(v3, c1_3);
            FloatVector v4 = FloatVector.fromArray(S, x, o4 + q);
            c0_4 = y0.fma(v4, c0_4);
            c1_4 = y1.fma(v4, c1_4);
            FloatVector v5 = FloatVector.fromArray(S, x, o5 + q);
            c0_5 = y0.fma(v5, c0_5);
            c1_5 = y1.fma(v5, c1_5);
        }
        c0_0.intoArray(acc, 0 * L);
        c0_1.intoArray(acc, 1 * L);
        c0_2.intoArray(acc, 2 * L);
        c0_3.intoArray(acc, 3 * L);
        c0_4.intoArray(acc, 4 * L);
        c0_5.intoArray(acc, 5 * L);
        c1_0.intoArray(acc, 6 * L);
        c1_1.intoArray(acc, 7 * L);
        c1_2.intoArray(acc, 8 * L);
        c1_3.intoArray(acc, 9 * L);
        c1_4.intoArray(acc, 10 * L);
        c1_5.intoArray(acc, 11 * L);
    }

    /** Taps t0 .. t0 + 2 of {@link #dots2}'s tile: six accumulators, so that 16 registers hold a step. */
    private static void dots2x3(int len, float[] gy, int gOff, int gStride, float[] x, int o0, int o1, int o2,
                                float[] acc, int t0) {
        int a0 = t0 * L;
        int a1 = (DirectConv.GRAD_TAPS + t0) * L;
        FloatVector c0_0 = FloatVector.fromArray(S, acc, a0);
        FloatVector c0_1 = FloatVector.fromArray(S, acc, a0 + L);
        FloatVector c0_2 = FloatVector.fromArray(S, acc, a0 + 2 * L);
        FloatVector c1_0 = FloatVector.fromArray(S, acc, a1);
        FloatVector c1_1 = FloatVector.fromArray(S, acc, a1 + L);
        FloatVector c1_2 = FloatVector.fromArray(S, acc, a1 + 2 * L);
        int g0 = gOff;
        int g1 = gOff + gStride;
        for (int q = 0; q < len; q += L) {
            FloatVector y0 = FloatVector.fromArray(S, gy, g0 + q);
            FloatVector y1 = FloatVector.fromArray(S, gy, g1 + q);
            FloatVector v0 = FloatVector.fromArray(S, x, o0 + q);
            c0_0 = y0.fma(v0, c0_0);
            c1_0 = y1.fma(v0, c1_0);
            FloatVector v1 = FloatVector.fromArray(S, x, o1 + q);
            c0_1 = y0.fma(v1, c0_1);
            c1_1 = y1.fma(v1, c1_1);
            FloatVector v2 = FloatVector.fromArray(S, x, o2 + q);
            c0_2 = y0.fma(v2, c0_2);
            c1_2 = y1.fma(v2, c1_2);
        }
        c0_0.intoArray(acc, a0);
        c0_1.intoArray(acc, a0 + L);
        c0_2.intoArray(acc, a0 + 2 * L);
        c1_0.intoArray(acc, a1);
        c1_1.intoArray(acc, a1 + L);
        c1_2.intoArray(acc, a1 + 2 * L);
    }
}
