package io.clgrad.backend.opencl;

import io.clgrad.backend.DeviceKind;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.conformance.ConvTunerRuns;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.TunerRuns;
import io.clgrad.backend.TuningFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The OpenCL backend's {@link Tuner} ({@code clgrad tune}'s engine for OpenCL devices): times
 * candidate matmul configurations on one device and keeps the fastest in the device's
 * {@link TuningFile}, which every later process applies on top of the built-in {@link DeviceTuning}
 * row. So a new GPU gets tuned kernels without a code change.
 *
 * <p>Each candidate is a set of {@code -D} values (CPU devices: matmul_vec's block and
 * work-group; GPUs: matmul_tiled's work-group, block per work-item and k-slice, within the
 * device's work-group and local-memory limits). It is first checked on small odd-sized products
 * (plain, B transposed, A transposed) against a double-precision reference, then timed on square
 * n x n products: one warm-up, then the median of three runs. The configuration in use is measured
 * first and again last (the better run counts), so the order favours no one. A candidate that
 * fails to build, to launch or to check is reported with the reason and skipped.
 *
 * <p>It also tunes conv.cl ({@link #tuneConv}: the {@link ClConvConfig} candidates, checked on the
 * conv conformance tables and timed on the CNN's layers), kept under its own key in the same file.
 */
final class MatmulTuner implements Tuner {
    private static final int[][] CHECK_SHAPES = {{37, 67, 29}, {1, 33, 5}, {70, 41, 1}};

    private final OpenClBackend backend;
    private final ClDevice device;

    /** A tuner for one OpenCL backend. */
    MatmulTuner(OpenClBackend backend) {
        this.backend = backend;
        this.device = backend.clDevice();
    }

    /**
     * The built-in table row's name, and where a {@code clgrad tune} result or an override came
     * from when one applies: {@code "cpu (built-in)"}, {@code "cpu+tuned (FILE)"} or
     * {@code "cpu+override (-Dclgrad.opencl.tuning)"}.
     */
    @Override
    public String inUse() {
        DeviceTuning t = device.tuning();
        if (t.name().contains("+tuned")) {
            return t.name() + " (" + device.facts().tuningFile().path() + ")";
        }
        return t.name().contains("+override") ? t.name() + " (-Dclgrad.opencl.tuning)" : t.name() + " (built-in)";
    }

    /**
     * Times the candidates and, when {@code save}, writes the fastest to the device's tuning file
     * with a comment saying when and how fast.
     */
    @Override
    public Result tune(int size, boolean quick, boolean save, Consumer<Candidate> progress) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("tune: size must be >= 1, got " + size);
        }
        DeviceTuning current = device.tuning();
        Map<String, DeviceTuning> candidates = new LinkedHashMap<>();
        for (String spec : candidates(quick)) {
            try {
                candidates.put(spec, DeviceTuning.override(current, spec));
            } catch (IllegalArgumentException e) {
                // outside the row's limits: not a candidate
            }
        }
        return TunerRuns.run(device.label(), current, candidates, (t, label) -> measure(t, label, size), progress,
                device.facts().tuningFile(), DeviceTuning.MATMUL_KEY, save, size);
    }

    /** The conv launches' work-group sizes in use and where they came from ({@link ClConvConfig}). */
    @Override
    public String convInUse() {
        return backend.convTuning().inUse();
    }

    /**
     * Times the {@link ClConvConfig#candidates conv work-group sizes} on this backend (each set on
     * its conv launches while measured, then the configuration in use is set back): the im2col and
     * col2im conformance tables first, then the CNN's two layers ({@link ConvTunerRuns}); when
     * {@code save}, keeps the fastest under key {@value ClConvConfig#KEY} of the device's tuning
     * file, beside the matmul row.
     */
    @Override
    public Optional<Result> tuneConv(boolean quick, boolean save, Consumer<Candidate> progress) throws IOException {
        ConvOps ops = backend.convOps();
        ClConvConfig inUse = ops.config();
        Map<String, ClConvConfig> candidates = new LinkedHashMap<>();
        for (ClConvConfig c : ClConvConfig.candidates(quick, device.info().maxWorkGroupSize())) {
            candidates.put(c.spec(), c);
        }
        try {
            return Optional.of(TunerRuns.run(device.label() + " conv", inUse, candidates, (c, label) -> {
                ops.configure(c);
                try {
                    String bad = ConvTunerRuns.check(backend);
                    return bad != null ? new Candidate(label, c.spec(), Double.NaN, bad)
                            : new Candidate(label, c.spec(), ConvTunerRuns.gflops(backend), null);
                } catch (RuntimeException e) {
                    return TunerRuns.failure(label, c.spec(), e);
                }
            }, progress, device.facts().tuningFile(), ClConvConfig.KEY, save, 128));
        } finally {
            ops.configure(inUse);
        }
    }

    /** Deletes this device's tuning file; true when there was one. */
    @Override
    public boolean reset() throws IOException {
        return device.facts().tuningFile().delete();
    }

    /** The device's tuning file under the cache folder (null when the cache is disabled). */
    @Override
    public Path resultFile() {
        return device.facts().tuningFile().path();
    }

    /** The override specs to try on this device. */
    List<String> candidates(boolean quick) {
        List<String> out = new ArrayList<>();
        if (device.info().kind() == DeviceKind.OPENCL_CPU) {
            // blocks whose accumulators fit the SIMD registers (32 with 16 lanes: AVX-512; else 16)
            int lanes = Math.max(4, Math.min(16, Integer.highestOneBit(device.facts().simdFloats())));
            int registers = lanes >= 16 ? 28 : 14;
            int[] widths = quick || lanes == 4 ? new int[] {lanes} : new int[] {lanes / 2, lanes};
            int[] groups = quick ? new int[] {16} : new int[] {4, 16, 64};
            for (int rows : new int[] {4, 6, 8, 12}) {
                for (int vw : widths) {
                    for (int vn : new int[] {1, 2}) {
                        if (rows * vn * Math.max(1, vw / lanes) > registers) {
                            continue;
                        }
                        for (int wg : groups) {
                            out.add("mvRows=" + rows + ",mvVw=" + vw + ",mvVn=" + vn + ",mvWgM=" + wg + ",mvWgN=1");
                        }
                    }
                }
            }
            return out;
        }
        long maxWg = device.info().maxWorkGroupSize();
        long localMem = device.info().localMemBytes();
        int[][] groups = {{8, 8}, {16, 16}, {16, 8}, {8, 16}};
        int[][] blocks = {{2, 2}, {4, 4}, {8, 4}, {4, 8}, {8, 8}};
        int[] depths = quick ? new int[] {16} : new int[] {8, 16, 32};
        for (int[] g : groups) {
            for (int[] b : blocks) {
                for (int tk : depths) {
                    long bytes = 4L * tk * (g[0] * b[0] + g[1] * b[1]);
                    if ((long) g[0] * g[1] > maxWg || (localMem > 0 && bytes > localMem)) {
                        continue;
                    }
                    out.add("mmKernel=tiled,mmWgM=" + g[0] + ",mmWgN=" + g[1] + ",mmWptM=" + b[0] + ",mmWptN=" + b[1]
                            + ",mmTileK=" + tk);
                }
            }
        }
        return out;
    }

    private Candidate measure(DeviceTuning t, String label, int size) {
        String spec = t.matmulSpec();
        MatmulOps ops = backend.matmulOps(t);
        // the checks are small products: let them take the large-product kernel too
        MatmulOps checked = t.mvMinMflop() > 0 ? backend.matmulOps(t.withVecThreshold(0)) : ops;
        try {
            String bad = check(checked);
            if (bad != null) {
                return new Candidate(label, spec, Double.NaN, bad);
            }
            return new Candidate(label, spec, time(ops, size), null);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return new Candidate(label, spec, Double.NaN, msg.lines().findFirst().orElse(msg));
        }
    }

    /** Null when the candidate's products match a double-precision reference, else what differs. */
    private String check(MatmulOps ops) {
        return TunerRuns.checkMatmul((spec, a, b) -> product(backend, ops, spec, a, b, null, false, spec.m() * spec.n()));
    }

    /** Runs one product (with an optional bias and ReLU) on host arrays and reads C back; frees what it allocated. */
    static float[] product(OpenClBackend backend, MatmulOps ops, MatmulSpec spec, float[] a, float[] b, float[] bias,
                           boolean relu, int outCount) {
        ClBuffer ab = (ClBuffer) backend.allocate(ElementType.F32, a.length);
        ClBuffer bb = (ClBuffer) backend.allocate(ElementType.F32, b.length);
        ClBuffer biasBuf = bias == null ? null : (ClBuffer) backend.allocate(ElementType.F32, bias.length);
        ClBuffer cb = (ClBuffer) backend.allocate(ElementType.F32, Math.max(1, outCount));
        try {
            backend.write(ab, 0, a, 0, a.length);
            backend.write(bb, 0, b, 0, b.length);
            if (biasBuf != null) {
                backend.write(biasBuf, 0, bias, 0, bias.length);
            }
            ops.matmul(spec, ab, bb, biasBuf, relu, cb);
            float[] out = new float[outCount];
            backend.read(cb, 0, out, 0, outCount);
            return out;
        } finally {
            backend.free(ab);
            backend.free(bb);
            if (biasBuf != null) {
                backend.free(biasBuf);
            }
            backend.free(cb);
        }
    }

    /** GFLOP/s of n x n x n products: one warm-up, then the median of three runs of about 1 GFLOP each. */
    private double time(MatmulOps ops, int n) {
        long count = (long) n * n;
        ClBuffer ab = (ClBuffer) backend.allocate(ElementType.F32, count);
        ClBuffer bb = (ClBuffer) backend.allocate(ElementType.F32, count);
        ClBuffer cb = (ClBuffer) backend.allocate(ElementType.F32, count);
        try {
            backend.fill(ab, count, 0.5);
            backend.fill(bb, count, 0.25);
            MatmulSpec spec = new MatmulSpec(1, n, n, n, 0, 0, n, 1, 0, 0, n, 1);
            return TunerRuns.medianGflops(2.0 * n * n * n, () -> ops.matmul(spec, ab, bb, cb), backend::synchronize);
        } finally {
            backend.free(ab);
            backend.free(bb);
            backend.free(cb);
        }
    }
}
