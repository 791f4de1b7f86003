package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.TunerRuns;
import java.util.ArrayList;
import java.util.List;

/**
 * What both backends' conv tuners do alike ({@link Tuner#tuneConv}), written once beside
 * {@link TunerRuns} (here, with the conformance tables it runs, so the SPI package does not depend
 * on them): check a backend whose patch copies run a candidate configuration on the im2col
 * and col2im conformance tables against their double reference ({@link #check}), and time the CNN's
 * two layers on it ({@link #gflops}). Not meant for applications.
 *
 * <pre>{@code
 * String bad = ConvTunerRuns.check(backend);          // null: every case matches
 * double gflops = ConvTunerRuns.gflops(backend);      // both layers, patch-matrix and direct paths
 * }</pre>
 */
public final class ConvTunerRuns {
    /** The timed layers: batch, channels in, channels out, height = width (3×3, stride 1, padding 1). */
    private static final int[][] LAYERS = {{128, 1, 32, 28}, {128, 32, 64, 14}};

    private ConvTunerRuns() {
    }

    /**
     * Runs the im2col and col2im conformance tables (Family.IM2COL, Family.COL2IM, full size) on
     * {@code b} against the double reference.
     *
     * @param b a backend whose patch copies run the candidate
     * @return null when every case matches, else the failures (at most three shown)
     */
    public static String check(Backend b) {
        List<OpCase> cases = new ArrayList<>(Family.IM2COL.cases(CaseSize.FULL));
        cases.addAll(Family.COL2IM.cases(CaseSize.FULL));
        Conformance.Report r = Conformance.againstReference(b, cases);
        return r.passed() ? null : r.describe("", 3);
    }

    /**
     * GFLOP/s of the CNN's two layers (batch 128, 3×3, padding 1: 1→32 channels on 28×28, 32→64 on
     * 14×14) on {@code b}: for each, the forward (im2col, then cols·Wᵀ) and the input gradient
     * (gOut·W, then col2im), and where the backend takes them without the patch matrix
     * ({@link Backend#directConv}) also that path's forward, input and weight gradients; all the
     * products' flops over the time of the whole pass (median of three runs,
     * {@link TunerRuns#medianGflops}). Frees what it allocates.
     *
     * @param b the backend to time
     * @return the median speed
     */
    public static double gflops(Backend b) {
        List<Buffer> buffers = new ArrayList<>();
        List<Runnable> passes = new ArrayList<>();
        double flop = 0;
        try {
            for (int[] l : LAYERS) {
                ConvSpec s = ConvSpec.symmetric(l[0], l[1], 1, l[3], l[3], 3, 3, 1, 1, 1, 1, 1, 1);
                int p = s.patches();
                int k = s.patchSize();
                int out = l[2];
                Buffer x = alloc(b, buffers, s.inputSize(), 0.5);
                Buffer cols = alloc(b, buffers, s.colsSize(), 0);
                Buffer w = alloc(b, buffers, (long) out * k, 0.25);
                Buffer y = alloc(b, buffers, (long) p * out, 0);
                Buffer dx = alloc(b, buffers, s.inputSize(), 0);
                MatmulSpec forward = new MatmulSpec(1, p, out, k, 0, 0, k, 1, 0, 0, 1, k);   // cols · Wᵀ
                MatmulSpec backward = MatmulSpec.rowMajor(p, k, out);                        // gOut · W
                flop += 2.0 * 2.0 * p * k * out;
                passes.add(() -> {
                    b.im2col(s, x, cols);
                    b.matmul(forward, cols, w, y);
                    b.matmul(backward, y, w, cols);
                    b.col2im(s, cols, dx);
                });
                if (b.directConv(s, out)) {   // the path these layers take there: forward and both gradients
                    Buffer dw = alloc(b, buffers, (long) out * k, 0);
                    flop += 3 * 2.0 * p * k * out;
                    passes.add(() -> {
                        b.conv2d(s, out, x, w, null, y);
                        b.conv2dInputGrad(s, out, y, w, dx);
                        b.conv2dWeightGrad(s, out, y, x, dw);
                    });
                }
            }
            return TunerRuns.medianGflops(flop, () -> passes.forEach(Runnable::run), b::synchronize);
        } finally {
            buffers.forEach(b::free);
        }
    }

    private static Buffer alloc(Backend b, List<Buffer> buffers, long count, double value) {
        Buffer buf = b.allocate(ElementType.F32, count);
        buffers.add(buf);
        b.fill(buf, count, value);
        return buf;
    }
}
