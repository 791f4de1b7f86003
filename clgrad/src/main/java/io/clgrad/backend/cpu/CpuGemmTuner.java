package io.clgrad.backend.cpu;

import io.clgrad.backend.conformance.ConvTunerRuns;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.TunerRuns;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CPU backend's {@link Tuner} ({@code clgrad tune --device cpu}): times {@link VectorGemm} with
 * each {@link CpuGemmConfig#candidates candidate} tile and blocking and keeps the fastest in the
 * {@link io.clgrad.backend.TuningFile} of this CPU model and vector width
 * ({@link CpuGemmTuning#fileFor}), which every later process on such a CPU picks up.
 *
 * <p>Each candidate is first checked against a double-precision reference
 * ({@link TunerRuns#checkMatmul}), then timed on square n × n products on the backend's threads
 * ({@link TunerRuns#medianGflops}); the configuration in use is measured first and again last
 * ({@link TunerRuns#run}). Offered only where the Vector API path runs (the plain loops have
 * nothing to tune).
 */
final class CpuGemmTuner implements Tuner {
    private final CpuParallel par;
    private final CpuGemmTuning tuning;

    /**
     * A tuner for the vector path of a CPU backend.
     *
     * @param par  the backend's threads, on which candidates are timed
     * @param path the backend's vector path
     */
    CpuGemmTuner(CpuParallel par, GemmPath path) {
        this.par = par;
        this.tuning = CpuGemmTuning.forLanes(path.vectorLength());
    }

    /** The configuration in use, where it came from and the machine ({@link CpuGemmTuning#inUse}). */
    @Override
    public String inUse() {
        return tuning.inUse();
    }

    /** The tuning file of this CPU model and vector width (null when the cache is disabled). */
    @Override
    public Path resultFile() {
        return tuning.file().path();
    }

    /** Deletes the tuning file; true when there was one. */
    @Override
    public boolean reset() throws IOException {
        return tuning.file().delete();
    }

    /** Times the candidates on n × n products and, when {@code save}, keeps the fastest in {@link #resultFile()}. */
    @Override
    public Result tune(int size, boolean quick, boolean save, Consumer<Candidate> progress) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("tune: size must be >= 1, got " + size);
        }
        Map<String, CpuGemmConfig> candidates = new LinkedHashMap<>();
        for (CpuGemmConfig c : CpuGemmConfig.candidates(tuning.facts(), quick)) {
            candidates.put(c.spec(), c);
        }
        return TunerRuns.run("cpu (" + tuning.facts().model() + ", " + tuning.facts().isa() + ")", tuning.config(),
                candidates, (c, label) -> measure(c, label, size), progress, tuning.file(), CpuGemmTuning.KEY, save,
                size);
    }

    /** The patch copies' configuration in use and where it came from ({@link CpuConvTuning#inUse}). */
    @Override
    public String convInUse() {
        try {
            return CpuConvTuning.forLanes(tuning.facts().lanes()).inUse();
        } catch (IllegalArgumentException e) {
            return CpuConvConfig.AUTO.spec() + " (built-in; " + e.getMessage() + ")";
        }
    }

    /**
     * Times the {@link CpuConvConfig#candidates conv candidates}, each on a backend of this tuner's
     * threads whose patch copies and direct convolution run it and whose GEMM is the one in use:
     * conformance tables and the direct tile against its plain twin first, then the CNN's two
     * layers ({@link #measureConv}), and, when {@code save}, keeps the
     * fastest under key {@value CpuConvTuning#KEY} of {@link #resultFile()}, beside the GEMM's.
     */
    @Override
    public Optional<Result> tuneConv(boolean quick, boolean save, Consumer<Candidate> progress) throws IOException {
        Map<String, CpuConvConfig> candidates = new LinkedHashMap<>();
        int autoTile = CpuConvConfig.autoDirectTile(tuning.facts().lanes());
        for (CpuConvConfig c : CpuConvConfig.candidates(quick)) {
            if (c.direct() != autoTile) {   // the tile auto picks here is the current setting: timed already
                candidates.put(c.spec(), c);
            }
        }
        return Optional.of(TunerRuns.run("cpu (" + tuning.facts().model() + ", " + tuning.facts().isa() + ") conv",
                CpuConvTuning.configFor(tuning.facts().lanes()), candidates, this::measureConv, progress,
                tuning.file(), CpuConvTuning.KEY, save, 128));
    }

    /**
     * Checks one conv configuration on the conformance tables and the direct tile against its twin,
     * and times it; a failure is a candidate with its reason.
     */
    Candidate measureConv(CpuConvConfig config, String label) {
        try (CpuBackend be = new CpuBackend(par.threads(), tuning.config(), config)) {
            String bad = ConvTunerRuns.check(be);
            if (bad == null) {
                bad = be.checkDirectConv();
            }
            return bad != null ? new Candidate(label, config.spec(), Double.NaN, bad)
                    : new Candidate(label, config.spec(), ConvTunerRuns.gflops(be), null);
        } catch (RuntimeException e) {
            return TunerRuns.failure(label, config.spec(), e);
        }
    }

    /** Checks one configuration against the reference and times it; a failure is a candidate with its reason. */
    Candidate measure(CpuGemmConfig config, String label, int n) {
        try {
            CpuMatmul mm = new CpuMatmul(par, config);
            String bad = TunerRuns.checkMatmul((spec, a, b) -> {
                float[] c = new float[spec.m() * spec.n()];
                mm.run(spec, a, b, c);
                return c;
            });
            if (bad != null) {
                return new Candidate(label, config.spec(), Double.NaN, bad);
            }
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            float[] c = new float[n * n];
            Arrays.fill(a, 0.5f);
            Arrays.fill(b, 0.25f);
            MatmulSpec spec = MatmulSpec.rowMajor(n, n, n);
            return new Candidate(label, config.spec(),
                    TunerRuns.medianGflops(2.0 * n * n * n, () -> mm.run(spec, a, b, c), () -> { }), null);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return new Candidate(label, config.spec(), Double.NaN, msg.lines().findFirst().orElse(msg));
        }
    }
}
