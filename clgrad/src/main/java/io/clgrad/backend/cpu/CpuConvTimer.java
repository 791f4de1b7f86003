package io.clgrad.backend.cpu;

import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.TunerRuns;
import io.clgrad.backend.conformance.CaseSize;
import io.clgrad.backend.conformance.Conformance;
import io.clgrad.backend.conformance.Family;
import io.clgrad.backend.conformance.OpCase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks and times one {@link CpuConvConfig} for the CPU tuner ({@link CpuGemmTuner#tuneConv}):
 * first the im2col and col2im conformance tables (Family.IM2COL, Family.COL2IM, against their double
 * reference) on a backend whose patch copies use the candidate, then the CNN's two layers (batch
 * 128, 3×3, padding 1: 1→32 channels on 28×28, 32→64 on 14×14), each a forward (im2col, then
 * cols·Wᵀ) and an input gradient (gOut·W, then col2im) on the tuned GEMM, as GFLOP/s of the four
 * products over the whole pass.
 */
final class CpuConvTimer {
    /** The timed layers: batch, channels in, out channels, height = width. */
    private static final int[][] LAYERS = {{128, 1, 32, 28}, {128, 32, 64, 14}};

    private final CpuParallel par;
    private final CpuMatmul gemm;

    /**
     * @param par  the threads the candidates run on
     * @param gemm the GEMM in use, for the products between the copies
     */
    CpuConvTimer(CpuParallel par, CpuMatmul gemm) {
        this.par = par;
        this.gemm = gemm;
    }

    /** The conformance check, then the timing; a failure is a candidate with its reason. */
    Tuner.Candidate measure(CpuConvConfig config, String label) {
        try {
            String bad = check(config, par.threads());
            if (bad != null) {
                return new Tuner.Candidate(label, config.spec(), Double.NaN, bad);
            }
            return new Tuner.Candidate(label, config.spec(), time(new CpuConv(par, config)), null);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return new Tuner.Candidate(label, config.spec(), Double.NaN, msg.lines().findFirst().orElse(msg));
        }
    }

    /**
     * Runs the im2col and col2im conformance tables on a {@code threads}-thread backend with
     * {@code config}.
     *
     * @return null when every case matches the double reference, else the failures
     */
    static String check(CpuConvConfig config, int threads) {
        try (CpuBackend be = new CpuBackend(threads, null, config)) {
            List<OpCase> cases = new ArrayList<>(Family.IM2COL.cases(CaseSize.FULL));
            cases.addAll(Family.COL2IM.cases(CaseSize.FULL));
            Conformance.Report r = Conformance.againstReference(be, cases);
            return r.passed() ? null : r.describe("conv " + config.spec() + ": ", 3);
        }
    }

    /** GFLOP/s of the two layers' forward and input-gradient passes with {@code conv}'s copies. */
    private double time(CpuConv conv) {
        double flop = 0;
        List<Runnable> passes = new ArrayList<>();
        for (int[] l : LAYERS) {
            ConvSpec s = ConvSpec.symmetric(l[0], l[1], 1, l[3], l[3], 3, 3, 1, 1, 1, 1, 1, 1);
            int p = s.patches();
            int k = s.patchSize();
            int out = l[2];
            float[] x = new float[s.inputSize()];
            float[] cols = new float[s.colsSize()];
            float[] w = new float[out * k];
            float[] y = new float[p * out];
            float[] dx = new float[s.inputSize()];
            Arrays.fill(x, 0.5f);
            Arrays.fill(w, 0.25f);
            MatmulSpec forward = new MatmulSpec(1, p, out, k, 0, 0, k, 1, 0, 0, 1, k);   // cols · Wᵀ
            MatmulSpec backward = MatmulSpec.rowMajor(p, k, out);                        // gOut · W
            flop += 2.0 * 2.0 * p * k * out;
            passes.add(() -> {
                conv.im2col(s, x, cols);
                gemm.run(forward, cols, w, y);
                gemm.run(backward, y, w, cols);
                conv.col2im(s, cols, dx);
            });
        }
        return TunerRuns.medianGflops(flop, () -> passes.forEach(Runnable::run), () -> { });
    }
}
