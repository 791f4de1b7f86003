package io.clgrad.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tile micro-kernels of {@link VectorGemm}, one method per tile shape
 * {@code MR} rows × {@code NV} vectors of columns ({@code NR = NV·L} floats, L the preferred
 * species' length): for p in [0, kc), the tile {@code C[r][j] (+)= Σ_p ap[ao + p·MR + r] ·
 * bp[bo + p·NR + j]} (A packed in row panels of MR, B in column panels of NR, as
 * {@link VectorGemm} packs them), set when {@code add} is false and increased when true, at
 * {@code c[co + r·ldc + j]}.
 *
 * <p>Each kernel keeps its {@code MR·NV} accumulators as locals, since C2 keeps Vector API values in
 * registers only when they are locals (an array of accumulators would live in memory); per p it
 * loads NV vectors of B, broadcasts MR values of A one at a time and issues {@code MR·NV} fused
 * multiply-adds, so it fits when {@code MR·NV + NV + 1} vectors fit the register file with one to
 * spare ({@link CpuGemmConfig#fits}). The shapes ({@link CpuGemmConfig#TILES}, in that order) cover
 * AVX2's 16 ymm registers (6×2 as in the BLIS/OpenBLAS Haswell kernels, 8×1), AVX-512's and NEON's
 * 32 (6×4, 8×3, 12×2, 4×3, 8×2) and the 4×2 tile of the first version. The methods are written out one by one (they are the same loop
 * unrolled to different sizes); {@link #run} dispatches on the tile once per tile of C.
 *
 * <p>Each kernel stores C in both branches of {@code if (add)}, each what it computed, rather than
 * once after the branches merge: with the single store after the merge, Java 17's C2 failed to
 * intrinsify the 24 stores of the 6×4 kernel in about one JVM start in six (no failure on Java 25),
 * and that JVM then ran every packed product 10-20x slower for its whole life, the accumulators
 * boxed (docs/benchmarks.md, "An intermittent 10-20x slowdown of the packed GEMM (Java 17)").
 */
final class VectorKernels {
    /** The preferred species, which every Vector API GEMM path of this package uses. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();

    private VectorKernels() {
    }

    /** Runs kernel {@code tile} (an index in {@link CpuGemmConfig#TILES}) on one tile of C; see the class comment. */
    static void run(int tile, int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        switch (tile) {
            case 0 -> k4x2(kc, ap, ao, bp, bo, c, co, ldc, add);
            case 1 -> k6x2(kc, ap, ao, bp, bo, c, co, ldc, add);
            case 2 -> k8x2(kc, ap, ao, bp, bo, c, co, ldc, add);
            case 3 -> k12x2(kc, ap, ao, bp, bo, c, co, ldc, add);
            case 4 -> k4x3(kc, ap, ao, bp, bo, c, co, ldc, add);
            case 5 -> k8x3(kc, ap, ao, bp, bo, c, co, ldc, add);
            case 6 -> k6x4(kc, ap, ao, bp, bo, c, co, ldc, add);
            case 7 -> k8x1(kc, ap, ao, bp, bo, c, co, ldc, add);
            default -> throw new IllegalArgumentException("no micro-kernel " + tile);
        }
    }

    /** The 4×2 tile (4 rows × 2 vectors). */
    private static void k4x2(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = 2 * L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c0_1 = z;
        FloatVector c1_0 = z;
        FloatVector c1_1 = z;
        FloatVector c2_0 = z;
        FloatVector c2_1 = z;
        FloatVector c3_0 = z;
        FloatVector c3_1 = z;
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 4;
        for (; pa < end; pa += 4, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c0_1.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c1_1.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c2_1.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c3_1.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
        } else {
            c0_0.intoArray(c, o0);
            c0_1.intoArray(c, o0 + L);
            c1_0.intoArray(c, o1);
            c1_1.intoArray(c, o1 + L);
            c2_0.intoArray(c, o2);
            c2_1.intoArray(c, o2 + L);
            c3_0.intoArray(c, o3);
            c3_1.intoArray(c, o3 + L);
        }
    }

    /** The 6×2 tile (6 rows × 2 vectors). */
    private static void k6x2(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = 2 * L;
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
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 6;
        for (; pa < end; pa += 6, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c0_1.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c1_1.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c2_1.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c3_1.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
            c4_0.add(FloatVector.fromArray(S, c, o4)).intoArray(c, o4);
            c4_1.add(FloatVector.fromArray(S, c, o4 + L)).intoArray(c, o4 + L);
            c5_0.add(FloatVector.fromArray(S, c, o5)).intoArray(c, o5);
            c5_1.add(FloatVector.fromArray(S, c, o5 + L)).intoArray(c, o5 + L);
        } else {
            c0_0.intoArray(c, o0);
            c0_1.intoArray(c, o0 + L);
            c1_0.intoArray(c, o1);
            c1_1.intoArray(c, o1 + L);
            c2_0.intoArray(c, o2);
            c2_1.intoArray(c, o2 + L);
            c3_0.intoArray(c, o3);
            c3_1.intoArray(c, o3 + L);
            c4_0.intoArray(c, o4);
            c4_1.intoArray(c, o4 + L);
            c5_0.intoArray(c, o5);
            c5_1.intoArray(c, o5 + L);
        }
    }

    /** The 8×2 tile (8 rows × 2 vectors). */
    private static void k8x2(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = 2 * L;
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
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 8;
        for (; pa < end; pa += 8, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, ap[pa + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, ap[pa + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        int o6 = co + 6 * ldc;
        int o7 = co + 7 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c0_1.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c1_1.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c2_1.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c3_1.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
            c4_0.add(FloatVector.fromArray(S, c, o4)).intoArray(c, o4);
            c4_1.add(FloatVector.fromArray(S, c, o4 + L)).intoArray(c, o4 + L);
            c5_0.add(FloatVector.fromArray(S, c, o5)).intoArray(c, o5);
            c5_1.add(FloatVector.fromArray(S, c, o5 + L)).intoArray(c, o5 + L);
            c6_0.add(FloatVector.fromArray(S, c, o6)).intoArray(c, o6);
            c6_1.add(FloatVector.fromArray(S, c, o6 + L)).intoArray(c, o6 + L);
            c7_0.add(FloatVector.fromArray(S, c, o7)).intoArray(c, o7);
            c7_1.add(FloatVector.fromArray(S, c, o7 + L)).intoArray(c, o7 + L);
        } else {
            c0_0.intoArray(c, o0);
            c0_1.intoArray(c, o0 + L);
            c1_0.intoArray(c, o1);
            c1_1.intoArray(c, o1 + L);
            c2_0.intoArray(c, o2);
            c2_1.intoArray(c, o2 + L);
            c3_0.intoArray(c, o3);
            c3_1.intoArray(c, o3 + L);
            c4_0.intoArray(c, o4);
            c4_1.intoArray(c, o4 + L);
            c5_0.intoArray(c, o5);
            c5_1.intoArray(c, o5 + L);
            c6_0.intoArray(c, o6);
            c6_1.intoArray(c, o6 + L);
            c7_0.intoArray(c, o7);
            c7_1.intoArray(c, o7 + L);
        }
    }

    /** The 12×2 tile (12 rows × 2 vectors). */
    private static void k12x2(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = 2 * L;
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
        FloatVector c8_0 = z;
        FloatVector c8_1 = z;
        FloatVector c9_0 = z;
        FloatVector c9_1 = z;
        FloatVector c10_0 = z;
        FloatVector c10_1 = z;
        FloatVector c11_0 = z;
        FloatVector c11_1 = z;
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 12;
        for (; pa < end; pa += 12, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            FloatVector a6 = FloatVector.broadcast(S, ap[pa + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            FloatVector a7 = FloatVector.broadcast(S, ap[pa + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
            FloatVector a8 = FloatVector.broadcast(S, ap[pa + 8]);
            c8_0 = b0.fma(a8, c8_0);
            c8_1 = b1.fma(a8, c8_1);
            FloatVector a9 = FloatVector.broadcast(S, ap[pa + 9]);
            c9_0 = b0.fma(a9, c9_0);
            c9_1 = b1.fma(a9, c9_1);
            FloatVector a10 = FloatVector.broadcast(S, ap[pa + 10]);
            c10_0 = b0.fma(a10, c10_0);
            c10_1 = b1.fma(a10, c10_1);
            FloatVector a11 = FloatVector.broadcast(S, ap[pa + 11]);
            c11_0 = b0.fma(a11, c11_0);
            c11_1 = b1.fma(a11, c11_1);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        int o6 = co + 6 * ldc;
        int o7 = co + 7 * ldc;
        int o8 = co + 8 * ldc;
        int o9 = co + 9 * ldc;
        int o10 = co + 10 * ldc;
        int o11 = co + 11 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c0_1.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c1_1.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c2_1.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c3_1.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
            c4_0.add(FloatVector.fromArray(S, c, o4)).intoArray(c, o4);
            c4_1.add(FloatVector.fromArray(S, c, o4 + L)).intoArray(c, o4 + L);
            c5_0.add(FloatVector.fromArray(S, c, o5)).intoArray(c, o5);
            c5_1.add(FloatVector.fromArray(S, c, o5 + L)).intoArray(c, o5 + L);
            c6_0.add(FloatVector.fromArray(S, c, o6)).intoArray(c, o6);
            c6_1.add(FloatVector.fromArray(S, c, o6 + L)).intoArray(c, o6 + L);
            c7_0.add(FloatVector.fromArray(S, c, o7)).intoArray(c, o7);
            c7_1.add(FloatVector.fromArray(S, c, o7 + L)).intoArray(c, o7 + L);
            c8_0.add(FloatVector.fromArray(S, c, o8)).intoArray(c, o8);
            c8_1.add(FloatVector.fromArray(S, c, o8 + L)).intoArray(c, o8 + L);
            c9_0.add(FloatVector.fromArray(S, c, o9)).intoArray(c, o9);
            c9_1.add(FloatVector.fromArray(S, c, o9 + L)).intoArray(c, o9 + L);
            c10_0.add(FloatVector.fromArray(S, c, o10)).intoArray(c, o10);
            c10_1.add(FloatVector.fromArray(S, c, o10 + L)).intoArray(c, o10 + L);
            c11_0.add(FloatVector.fromArray(S, c, o11)).intoArray(c, o11);
            c11_1.add(FloatVector.fromArray(S, c, o11 + L)).intoArray(c, o11 + L);
        } else {
            c0_0.intoArray(c, o0);
            c0_1.intoArray(c, o0 + L);
            c1_0.intoArray(c, o1);
            c1_1.intoArray(c, o1 + L);
            c2_0.intoArray(c, o2);
            c2_1.intoArray(c, o2 + L);
            c3_0.intoArray(c, o3);
            c3_1.intoArray(c, o3 + L);
            c4_0.intoArray(c, o4);
            c4_1.intoArray(c, o4 + L);
            c5_0.intoArray(c, o5);
            c5_1.intoArray(c, o5 + L);
            c6_0.intoArray(c, o6);
            c6_1.intoArray(c, o6 + L);
            c7_0.intoArray(c, o7);
            c7_1.intoArray(c, o7 + L);
            c8_0.intoArray(c, o8);
            c8_1.intoArray(c, o8 + L);
            c9_0.intoArray(c, o9);
            c9_1.intoArray(c, o9 + L);
            c10_0.intoArray(c, o10);
            c10_1.intoArray(c, o10 + L);
            c11_0.intoArray(c, o11);
            c11_1.intoArray(c, o11 + L);
        }
    }

    /** The 4×3 tile (4 rows × 3 vectors). */
    private static void k4x3(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = 3 * L;
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
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 4;
        for (; pa < end; pa += 4, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c0_1.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c0_2.add(FloatVector.fromArray(S, c, o0 + 2 * L)).intoArray(c, o0 + 2 * L);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c1_1.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c1_2.add(FloatVector.fromArray(S, c, o1 + 2 * L)).intoArray(c, o1 + 2 * L);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c2_1.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c2_2.add(FloatVector.fromArray(S, c, o2 + 2 * L)).intoArray(c, o2 + 2 * L);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c3_1.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
            c3_2.add(FloatVector.fromArray(S, c, o3 + 2 * L)).intoArray(c, o3 + 2 * L);
        } else {
            c0_0.intoArray(c, o0);
            c0_1.intoArray(c, o0 + L);
            c0_2.intoArray(c, o0 + 2 * L);
            c1_0.intoArray(c, o1);
            c1_1.intoArray(c, o1 + L);
            c1_2.intoArray(c, o1 + 2 * L);
            c2_0.intoArray(c, o2);
            c2_1.intoArray(c, o2 + L);
            c2_2.intoArray(c, o2 + 2 * L);
            c3_0.intoArray(c, o3);
            c3_1.intoArray(c, o3 + L);
            c3_2.intoArray(c, o3 + 2 * L);
        }
    }

    /** The 8×3 tile (8 rows × 3 vectors). */
    private static void k8x3(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = 3 * L;
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
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 8;
        for (; pa < end; pa += 8, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            c4_2 = b2.fma(a4, c4_2);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            c5_2 = b2.fma(a5, c5_2);
            FloatVector a6 = FloatVector.broadcast(S, ap[pa + 6]);
            c6_0 = b0.fma(a6, c6_0);
            c6_1 = b1.fma(a6, c6_1);
            c6_2 = b2.fma(a6, c6_2);
            FloatVector a7 = FloatVector.broadcast(S, ap[pa + 7]);
            c7_0 = b0.fma(a7, c7_0);
            c7_1 = b1.fma(a7, c7_1);
            c7_2 = b2.fma(a7, c7_2);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        int o6 = co + 6 * ldc;
        int o7 = co + 7 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c0_1.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c0_2.add(FloatVector.fromArray(S, c, o0 + 2 * L)).intoArray(c, o0 + 2 * L);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c1_1.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c1_2.add(FloatVector.fromArray(S, c, o1 + 2 * L)).intoArray(c, o1 + 2 * L);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c2_1.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c2_2.add(FloatVector.fromArray(S, c, o2 + 2 * L)).intoArray(c, o2 + 2 * L);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c3_1.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
            c3_2.add(FloatVector.fromArray(S, c, o3 + 2 * L)).intoArray(c, o3 + 2 * L);
            c4_0.add(FloatVector.fromArray(S, c, o4)).intoArray(c, o4);
            c4_1.add(FloatVector.fromArray(S, c, o4 + L)).intoArray(c, o4 + L);
            c4_2.add(FloatVector.fromArray(S, c, o4 + 2 * L)).intoArray(c, o4 + 2 * L);
            c5_0.add(FloatVector.fromArray(S, c, o5)).intoArray(c, o5);
            c5_1.add(FloatVector.fromArray(S, c, o5 + L)).intoArray(c, o5 + L);
            c5_2.add(FloatVector.fromArray(S, c, o5 + 2 * L)).intoArray(c, o5 + 2 * L);
            c6_0.add(FloatVector.fromArray(S, c, o6)).intoArray(c, o6);
            c6_1.add(FloatVector.fromArray(S, c, o6 + L)).intoArray(c, o6 + L);
            c6_2.add(FloatVector.fromArray(S, c, o6 + 2 * L)).intoArray(c, o6 + 2 * L);
            c7_0.add(FloatVector.fromArray(S, c, o7)).intoArray(c, o7);
            c7_1.add(FloatVector.fromArray(S, c, o7 + L)).intoArray(c, o7 + L);
            c7_2.add(FloatVector.fromArray(S, c, o7 + 2 * L)).intoArray(c, o7 + 2 * L);
        } else {
            c0_0.intoArray(c, o0);
            c0_1.intoArray(c, o0 + L);
            c0_2.intoArray(c, o0 + 2 * L);
            c1_0.intoArray(c, o1);
            c1_1.intoArray(c, o1 + L);
            c1_2.intoArray(c, o1 + 2 * L);
            c2_0.intoArray(c, o2);
            c2_1.intoArray(c, o2 + L);
            c2_2.intoArray(c, o2 + 2 * L);
            c3_0.intoArray(c, o3);
            c3_1.intoArray(c, o3 + L);
            c3_2.intoArray(c, o3 + 2 * L);
            c4_0.intoArray(c, o4);
            c4_1.intoArray(c, o4 + L);
            c4_2.intoArray(c, o4 + 2 * L);
            c5_0.intoArray(c, o5);
            c5_1.intoArray(c, o5 + L);
            c5_2.intoArray(c, o5 + 2 * L);
            c6_0.intoArray(c, o6);
            c6_1.intoArray(c, o6 + L);
            c6_2.intoArray(c, o6 + 2 * L);
            c7_0.intoArray(c, o7);
            c7_1.intoArray(c, o7 + L);
            c7_2.intoArray(c, o7 + 2 * L);
        }
    }

    /** The 6×4 tile (6 rows × 4 vectors). */
    private static void k6x4(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = 4 * L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c0_1 = z;
        FloatVector c0_2 = z;
        FloatVector c0_3 = z;
        FloatVector c1_0 = z;
        FloatVector c1_1 = z;
        FloatVector c1_2 = z;
        FloatVector c1_3 = z;
        FloatVector c2_0 = z;
        FloatVector c2_1 = z;
        FloatVector c2_2 = z;
        FloatVector c2_3 = z;
        FloatVector c3_0 = z;
        FloatVector c3_1 = z;
        FloatVector c3_2 = z;
        FloatVector c3_3 = z;
        FloatVector c4_0 = z;
        FloatVector c4_1 = z;
        FloatVector c4_2 = z;
        FloatVector c4_3 = z;
        FloatVector c5_0 = z;
        FloatVector c5_1 = z;
        FloatVector c5_2 = z;
        FloatVector c5_3 = z;
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 6;
        for (; pa < end; pa += 6, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, pb + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            c0_1 = b1.fma(a0, c0_1);
            c0_2 = b2.fma(a0, c0_2);
            c0_3 = b3.fma(a0, c0_3);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            c1_1 = b1.fma(a1, c1_1);
            c1_2 = b2.fma(a1, c1_2);
            c1_3 = b3.fma(a1, c1_3);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            c2_1 = b1.fma(a2, c2_1);
            c2_2 = b2.fma(a2, c2_2);
            c2_3 = b3.fma(a2, c2_3);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            c3_1 = b1.fma(a3, c3_1);
            c3_2 = b2.fma(a3, c3_2);
            c3_3 = b3.fma(a3, c3_3);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a4, c4_0);
            c4_1 = b1.fma(a4, c4_1);
            c4_2 = b2.fma(a4, c4_2);
            c4_3 = b3.fma(a4, c4_3);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a5, c5_0);
            c5_1 = b1.fma(a5, c5_1);
            c5_2 = b2.fma(a5, c5_2);
            c5_3 = b3.fma(a5, c5_3);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c0_1.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c0_2.add(FloatVector.fromArray(S, c, o0 + 2 * L)).intoArray(c, o0 + 2 * L);
            c0_3.add(FloatVector.fromArray(S, c, o0 + 3 * L)).intoArray(c, o0 + 3 * L);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c1_1.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c1_2.add(FloatVector.fromArray(S, c, o1 + 2 * L)).intoArray(c, o1 + 2 * L);
            c1_3.add(FloatVector.fromArray(S, c, o1 + 3 * L)).intoArray(c, o1 + 3 * L);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c2_1.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c2_2.add(FloatVector.fromArray(S, c, o2 + 2 * L)).intoArray(c, o2 + 2 * L);
            c2_3.add(FloatVector.fromArray(S, c, o2 + 3 * L)).intoArray(c, o2 + 3 * L);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c3_1.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
            c3_2.add(FloatVector.fromArray(S, c, o3 + 2 * L)).intoArray(c, o3 + 2 * L);
            c3_3.add(FloatVector.fromArray(S, c, o3 + 3 * L)).intoArray(c, o3 + 3 * L);
            c4_0.add(FloatVector.fromArray(S, c, o4)).intoArray(c, o4);
            c4_1.add(FloatVector.fromArray(S, c, o4 + L)).intoArray(c, o4 + L);
            c4_2.add(FloatVector.fromArray(S, c, o4 + 2 * L)).intoArray(c, o4 + 2 * L);
            c4_3.add(FloatVector.fromArray(S, c, o4 + 3 * L)).intoArray(c, o4 + 3 * L);
            c5_0.add(FloatVector.fromArray(S, c, o5)).intoArray(c, o5);
            c5_1.add(FloatVector.fromArray(S, c, o5 + L)).intoArray(c, o5 + L);
            c5_2.add(FloatVector.fromArray(S, c, o5 + 2 * L)).intoArray(c, o5 + 2 * L);
            c5_3.add(FloatVector.fromArray(S, c, o5 + 3 * L)).intoArray(c, o5 + 3 * L);
        } else {
            c0_0.intoArray(c, o0);
            c0_1.intoArray(c, o0 + L);
            c0_2.intoArray(c, o0 + 2 * L);
            c0_3.intoArray(c, o0 + 3 * L);
            c1_0.intoArray(c, o1);
            c1_1.intoArray(c, o1 + L);
            c1_2.intoArray(c, o1 + 2 * L);
            c1_3.intoArray(c, o1 + 3 * L);
            c2_0.intoArray(c, o2);
            c2_1.intoArray(c, o2 + L);
            c2_2.intoArray(c, o2 + 2 * L);
            c2_3.intoArray(c, o2 + 3 * L);
            c3_0.intoArray(c, o3);
            c3_1.intoArray(c, o3 + L);
            c3_2.intoArray(c, o3 + 2 * L);
            c3_3.intoArray(c, o3 + 3 * L);
            c4_0.intoArray(c, o4);
            c4_1.intoArray(c, o4 + L);
            c4_2.intoArray(c, o4 + 2 * L);
            c4_3.intoArray(c, o4 + 3 * L);
            c5_0.intoArray(c, o5);
            c5_1.intoArray(c, o5 + L);
            c5_2.intoArray(c, o5 + 2 * L);
            c5_3.intoArray(c, o5 + 3 * L);
        }
    }

    /** The 8×1 tile (8 rows × 1 vector). */
    private static void k8x1(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc, boolean add) {
        final int nr = L;
        FloatVector z = FloatVector.zero(S);
        FloatVector c0_0 = z;
        FloatVector c1_0 = z;
        FloatVector c2_0 = z;
        FloatVector c3_0 = z;
        FloatVector c4_0 = z;
        FloatVector c5_0 = z;
        FloatVector c6_0 = z;
        FloatVector c7_0 = z;
        int pa = ao;
        int pb = bo;
        int end = ao + kc * 8;
        for (; pa < end; pa += 8, pb += nr) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c0_0 = b0.fma(a0, c0_0);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c1_0 = b0.fma(a1, c1_0);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c2_0 = b0.fma(a2, c2_0);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c3_0 = b0.fma(a3, c3_0);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c4_0 = b0.fma(a4, c4_0);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c5_0 = b0.fma(a5, c5_0);
            FloatVector a6 = FloatVector.broadcast(S, ap[pa + 6]);
            c6_0 = b0.fma(a6, c6_0);
            FloatVector a7 = FloatVector.broadcast(S, ap[pa + 7]);
            c7_0 = b0.fma(a7, c7_0);
        }
        int o0 = co;
        int o1 = co + ldc;
        int o2 = co + 2 * ldc;
        int o3 = co + 3 * ldc;
        int o4 = co + 4 * ldc;
        int o5 = co + 5 * ldc;
        int o6 = co + 6 * ldc;
        int o7 = co + 7 * ldc;
        if (add) {
            c0_0.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c1_0.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c2_0.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c3_0.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c4_0.add(FloatVector.fromArray(S, c, o4)).intoArray(c, o4);
            c5_0.add(FloatVector.fromArray(S, c, o5)).intoArray(c, o5);
            c6_0.add(FloatVector.fromArray(S, c, o6)).intoArray(c, o6);
            c7_0.add(FloatVector.fromArray(S, c, o7)).intoArray(c, o7);
        } else {
            c0_0.intoArray(c, o0);
            c1_0.intoArray(c, o1);
            c2_0.intoArray(c, o2);
            c3_0.intoArray(c, o3);
            c4_0.intoArray(c, o4);
            c5_0.intoArray(c, o5);
            c6_0.intoArray(c, o6);
            c7_0.intoArray(c, o7);
        }
    }
}
