package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.MatmulSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cases for {@link Backend#matmul}: every (m, n, k) from {1, 7, 33, 64, 129}³ with A and/or B
 * transposed through swapped strides, and batched products (batch 3) with offsets where a batch
 * stride of 0 broadcasts one operand; and some larger odd-sized products, which take the fast
 * kernels (e.g. OpenCL CPU devices' matmul_vec from 4 MFLOP). At {@link CaseSize#QUICK} the grid is
 * {1, 7, 33}³ and the large products run untransposed only.
 */
final class MatmulCases {
    static final int[] DIMS = {1, 7, 33, 64, 129};
    /** The edges of the {@link CaseSize#QUICK} table's (m, n, k) grid. */
    static final int[] QUICK_DIMS = {1, 7, 33};

    private MatmulCases() {
    }

    static List<OpCase> all(CaseSize size) {
        Random r = new Random(401);
        List<OpCase> cases = new ArrayList<>();
        int[] dims = size.full() ? DIMS : QUICK_DIMS;
        for (int m : dims) {
            for (int n : dims) {
                for (int k : dims) {
                    for (int t = 0; t < 4; t++) {
                        cases.add(matmulCase(r, 1, m, n, k, (t & 1) != 0, (t & 2) != 0, 0, 0, true, true));
                    }
                }
            }
        }
        int[][] batched = {{7, 33, 64}, {33, 1, 7}, {1, 129, 33}, {64, 64, 64}, {129, 7, 33}};
        for (int[] d : batched) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                cases.add(matmulCase(r, 3, d[0], d[1], d[2], ta, tb, 3, 5, true, false));
                cases.add(matmulCase(r, 3, d[0], d[1], d[2], ta, tb, 0, 2, false, true));
                cases.add(matmulCase(r, 3, d[0], d[1], d[2], ta, tb, 1, 0, true, true));
            }
        }
        // products large enough for the OpenCL CPU devices' matmul_vec (>= 4 MFLOP): odd edges,
        // B copied to contiguous when transposed, a broadcast B;
        // few outputs over a long k (split-K: chunks, a shorter last chunk, a sum) and narrow
        // products (matrix-vector, one output column)
        int[][] large = {{257, 129, 67}, {67, 300, 129}, {130, 33, 513}, {5, 1031, 389},
            {10, 2, 4096}, {1, 10, 4099}, {7, 33, 1031}, {4097, 1, 10}, {300, 3, 64}};
        int transposes = size.full() ? 4 : 1;
        for (int[] d : large) {
            for (int t = 0; t < transposes; t++) {
                cases.add(matmulCase(r, 1, d[0], d[1], d[2], (t & 1) != 0, (t & 2) != 0, 0, 0, true, true));
            }
        }
        for (int t = 0; t < transposes; t++) {
            cases.add(matmulCase(r, 3, 129, 65, 129, (t & 1) != 0, (t & 2) != 0, 2, 3, true, false));
            cases.add(matmulCase(r, 3, 129, 65, 129, (t & 1) != 0, (t & 2) != 0, 0, 1, false, true));
        }
        cases.addAll(smallM(r, size));
        cases.addAll(skinny(r));
        return cases;
    }

    /**
     * Skinny single products, the CPU backend's unpacked skinny path: many rows with n and k at most 16
     * (row streaming: k = 1, n = 1, n around the vector length, 32 rows, rows not a multiple of the
     * thread split) and a tiny C over a long k (split k: k = 256, a short last chunk, C's columns or
     * rows in vectors, shapes the vector kernel leaves to plain loops).
     */
    static List<OpCase> skinny(Random r) {
        List<OpCase> cases = new ArrayList<>();
        int[][] dims = {{32, 1, 1}, {4099, 10, 1}, {1025, 16, 16}, {131, 9, 7}, {100, 8, 3},
            {1, 1, 256}, {16, 4, 1025}, {4, 16, 2049}, {3, 5, 3000}, {17, 3, 1000}};
        for (int[] d : dims) {
            for (int t = 0; t < 4; t++) {
                cases.add(matmulCase(r, 1, d[0], d[1], d[2], (t & 1) != 0, (t & 2) != 0, t, 0, true, true));
            }
        }
        return cases;
    }

    /**
     * Products of 1 to 8 rows, the CPU backend's unpacked small-m path (matrix-vector products of
     * batch-1 inference): odd n and k around the vector length and the 4-column groups, k below one
     * vector, and sizes from 2²² flops, where that path splits the columns over threads (at edges
     * that are not multiples of its 16-column ranges); B transposed (dot form, a Linear's
     * weight) and not (axpy form), A transposed or not.
     */
    static List<OpCase> smallM(Random r, CaseSize size) {
        List<OpCase> cases = new ArrayList<>();
        int[][] nk = {{1, 1}, {3, 5}, {5, 17}, {17, 3}, {33, 31}, {63, 129}, {300, 257}, {517, 784}};
        int[] ms = size.full() ? new int[] {1, 2, 3, 4, 5, 6, 7, 8} : new int[] {1, 3, 8};
        for (int m : ms) {
            for (int[] d : nk) {
                if (!size.keeps((long) d[0] * d[1])) {
                    continue;
                }
                for (int t = 0; t < 4; t++) {
                    cases.add(matmulCase(r, 1, m, d[0], d[1], (t & 1) != 0, (t & 2) != 0, t, 2 * t, true, true));
                }
            }
        }
        return cases;
    }

    /**
     * Fused Linear ({@link Backend#addmm}): bias and/or ReLU on plain, transposed, batched, large
     * (fast-kernel), edge and k = 0 products; the reference is act(C + bias) in double.
     */
    static List<OpCase> addmm() {
        Random r = new Random(402);
        List<OpCase> cases = new ArrayList<>();
        int[][] dims = {{1, 1, 1}, {7, 33, 5}, {64, 10, 2}, {5, 1, 10}, {33, 129, 64}, {257, 129, 67},
            {130, 33, 513}, {5, 1031, 389}, {9, 17, 0}};
        for (int[] d : dims) {
            for (int t = 0; t < 4; t++) {
                boolean bias = (t & 1) != 0;
                boolean relu = (t & 2) != 0;
                if (!bias && !relu) {
                    continue;
                }
                // Linear's forward: x [m, k] times W^T with W stored [n, k]
                cases.add(addmmCase(r, 1, d[0], d[1], d[2], false, d[2] > 0, bias, relu));
                cases.add(addmmCase(r, 1, d[0], d[1], d[2], (d[0] & 1) == 1, false, bias, relu));
            }
        }
        cases.add(addmmCase(r, 3, 33, 40, 17, false, true, true, true));
        // the skinny path of SimpleNet at batch 4096: row streaming with the epilogue in the same pass, and split k
        int[][] skinny = {{4096, 10, 2}, {4099, 1, 10}, {33, 16, 16}, {1, 10, 4099}, {10, 2, 4096}};
        for (int[] d : skinny) {
            cases.add(addmmCase(r, 1, d[0], d[1], d[2], false, true, true, true));
            cases.add(addmmCase(r, 1, d[0], d[1], d[2], false, true, true, false));
            cases.add(addmmCase(r, 1, d[0], d[1], d[2], true, false, false, true));
        }
        // the small-m path (1 to 8 rows) of a Linear: W^T read in place, below and above (4x1031x784) its thread split
        int[][] small = {{1, 10, 512}, {1, 512, 784}, {3, 37, 19}, {8, 129, 300}, {5, 300, 257}, {4, 1031, 784}};
        for (int[] d : small) {
            cases.add(addmmCase(r, 1, d[0], d[1], d[2], false, true, true, true));
            cases.add(addmmCase(r, 1, d[0], d[1], d[2], false, true, true, false));
            cases.add(addmmCase(r, 1, d[0], d[1], d[2], true, false, false, true));
        }
        return cases;
    }

    /**
     * A Linear layer's parameter gradients ({@link Backend#linearGrad}): with and without the ReLU
     * mask (zeros and negative zeros in the mask, where the gradient must be cut) and the bias
     * gradient, x plain, transposed or at an offset; (rows, out, in) of SimpleNet at batch 64 and
     * small gradients up to 1,024 elements, with x narrow and wide (OpenCL CPU devices: one
     * matmul_direct_grad launch), and, at {@link CaseSize#FULL}, larger gradients, a long batch
     * (split k) and a large product (matmul_vec), which OpenCL composes from the separate ops; an
     * empty batch. Reference: the masked gradient's product and column sums in double.
     */
    static List<OpCase> linearGrad(CaseSize size) {
        Random r = new Random(403);
        List<OpCase> cases = new ArrayList<>();
        int[][] dims = {{64, 10, 2}, {64, 1, 10}, {7, 33, 5}, {1, 1, 1}, {16, 40, 33}, {32, 32, 7}, {0, 5, 3},
            {33, 129, 64}, {2048, 10, 2}, {256, 300, 200}};
        for (int[] d : dims) {
            if (!size.full() && (long) d[0] * d[1] > 1024) {
                continue;
            }
            for (int t = 0; t < 4; t++) {
                cases.add(linearGradCase(r, d[0], d[1], d[2], (t & 1) != 0, (t & 2) != 0, t == 3, t == 1 ? 5 : 0));
            }
        }
        return cases;
    }

    private static OpCase linearGradCase(Random r, int rows, int out, int in, boolean relu, boolean withBias,
                                         boolean xTransposed, int xOffset) {
        float[] g = Inputs.uniform(r, Math.max(1, rows * out), -1, 1);
        float[] y = relu ? Inputs.uniform(r, Math.max(1, rows * out), -1, 1) : null;
        if (relu) {
            for (int i = 0; i < rows * out; i += 7) {
                y[i] = (i & 8) == 0 ? 0.0f : -0.0f;   // exactly zero: masked as PyTorch's threshold_backward does
            }
        }
        float[] x = Inputs.uniform(r, Math.max(1, xOffset + rows * in), -1, 1);
        // x is [rows, in]: stored so, or stored [in, rows] and read transposed
        MatmulSpec spec = MatmulSpec.linearGrad(rows, out, in, xOffset, xTransposed ? 1 : in, xTransposed ? rows : 1);
        float[] gz = new float[Math.max(1, rows * out)];
        for (int i = 0; i < rows * out; i++) {
            gz[i] = relu && y[i] <= 0 ? 0 : g[i];
        }
        RefLinalg.Result gw = RefLinalg.matmul(spec, gz, x);
        double[] gb = new double[out];
        double[] gbScale = new double[out];
        for (int i = 0; i < rows * out; i++) {
            gb[i % out] += gz[i];
            gbScale[i % out] += Math.abs(gz[i]);
        }
        String name = "linearGrad rows=" + rows + " out=" + out + " in=" + in + (relu ? " relu" : "")
                + (withBias ? " +bias" : "") + (xTransposed ? " x^T" : "") + (xOffset != 0 ? " xOffset=" + xOffset : "");
        List<OpCase.Out> expected = new ArrayList<>();
        expected.add(new OpCase.Out("gW", new int[] {out, in}, gw.value(), gw.scale()));
        if (withBias) {
            expected.add(new OpCase.Out("gb", new int[] {out}, gb, gbScale));
        }
        return new OpCase(name, be -> {
            try (Bufs mem = new Bufs(be)) {
                Buffer gwOut = mem.out(out * in);
                Buffer gbOut = withBias ? mem.out(out) : null;
                be.linearGrad(spec, mem.f32(g), relu ? mem.f32(y) : null, mem.f32(x), gwOut, gbOut);
                return withBias ? List.of(mem.readOut(gwOut, out * in), mem.readOut(gbOut, out))
                        : List.of(mem.readOut(gwOut, out * in));
            }
        }, expected);
    }

    private static OpCase addmmCase(Random r, int batch, int m, int n, int k, boolean transA, boolean transB,
                                    boolean withBias, boolean relu) {
        // A per product, one B for the whole batch (a Linear's weight)
        MatmulSpec spec = MatmulSpec.packed(batch, m, n, k, transA, transB, 0, 0, true, false);
        float[] a = Inputs.uniform(r, Math.max(1, batch * m * k), -1, 1);
        float[] b = Inputs.uniform(r, Math.max(1, k * n), -1, 1);
        float[] bias = withBias ? Inputs.uniform(r, n, -1, 1) : null;
        RefLinalg.Result ref = RefLinalg.matmul(spec, a, b);
        double[] value = ref.value().clone();
        double[] scale = ref.scale().clone();
        for (int i = 0; i < value.length; i++) {
            if (bias != null) {
                value[i] += bias[i % n];
                scale[i] = Math.max(scale[i], Math.abs(value[i]));
            }
            if (relu && value[i] < 0) {
                value[i] = 0;
            }
        }
        int cLen = batch * m * n;
        String name = "addmm batch=" + batch + " m=" + m + " n=" + n + " k=" + k + (transA ? " A^T" : "")
                + (transB ? " B^T" : "") + (withBias ? " +bias" : "") + (relu ? " relu" : "");
        return OpCase.of(name, be -> {
            try (Bufs mem = new Bufs(be)) {
                Buffer c = mem.out(cLen);
                be.addmm(spec, mem.f32(a), mem.f32(b), bias == null ? null : mem.f32(bias), relu, c);
                return List.of(mem.readOut(c, cLen));
            }
        }, new OpCase.Out("C", new int[] {batch, m, n}, value, scale));
    }

    /**
     * One product. A transposed is stored [k, m] and read with (row, col) strides (1, m); B transposed
     * is stored [n, k] and read with strides (1, k). A batch operand that is not batched has batch
     * stride 0 (one matrix broadcast over the batch).
     */
    static OpCase matmulCase(Random r, int batch, int m, int n, int k, boolean transA, boolean transB,
                             int aOffset, int bOffset, boolean aBatched, boolean bBatched) {
        MatmulSpec spec = MatmulSpec.packed(batch, m, n, k, transA, transB, aOffset, bOffset, aBatched, bBatched);
        int aLen = spec.aLength();
        int bLen = spec.bLength();
        int aBatch = spec.aBatchStride();
        int bBatch = spec.bBatchStride();
        float[] a = Inputs.uniform(r, aLen, -1, 1);
        float[] b = Inputs.uniform(r, bLen, -1, 1);
        RefLinalg.Result ref = RefLinalg.matmul(spec, a, b);
        int cLen = batch * m * n;
        String name = "matmul batch=" + batch + " m=" + m + " n=" + n + " k=" + k + (transA ? " A^T" : "")
                + (transB ? " B^T" : "") + (aOffset != 0 ? " aOffset=" + aOffset : "")
                + (bOffset != 0 ? " bOffset=" + bOffset : "")
                + (batch > 1 ? " aBatchStride=" + aBatch + " bBatchStride=" + bBatch : "");
        return OpCase.of(name, be -> {
            try (Bufs mem = new Bufs(be)) {
                Buffer c = mem.out(cLen);
                be.matmul(spec, mem.f32(a), mem.f32(b), c);
                return List.of(mem.readOut(c, cLen));
            }
        }, new OpCase.Out("C", new int[] {batch, m, n}, ref.value(), ref.scale()));
    }
}
