package io.clgrad.cli;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MatmulSpec;
import io.clgrad.backend.conformance.CaseSize;
import io.clgrad.backend.conformance.Conformance;
import io.clgrad.backend.conformance.Family;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The self-test of one device, as {@code clgrad devices --self-test} runs it:
 * <ol>
 *   <li>builds every kernel ({@link Backend#prepareKernels()}; the time is a cold build or a load
 *       from the program cache, whichever the backend had to do);</li>
 *   <li>runs the library's conformance tables ({@link Family}, every op family of the backend SPI)
 *       at {@link CaseSize#QUICK} sizes on the device and compares each case with its
 *       double-precision reference within the suite's tolerance ({@link Conformance}) &mdash; the
 *       same cases, domains, edge values and tolerances the test suite runs at full size;</li>
 *   <li>measures launch latency (median of tiny fills each followed by {@code synchronize()}, and
 *       the average cost of a pipelined fill without one), host-to-device and device-to-host
 *       bandwidth (median of a few copies of one buffer) and square matmul GFLOP/s (median after a
 *       warm-up run, clock stopped after {@code synchronize()});</li>
 *   <li>checks that every buffer it allocated went back to the allocator.</li>
 * </ol>
 * A device passes when its kernels build, every case agrees with its reference, the measurements
 * ran without error and no buffer leaked. Speed is reported, never judged.
 */
final class SelfTest {

    /**
     * How much work the measurements do.
     *
     * @param bandwidthBytes  size of the buffer copied to and from the device
     * @param gemmN           side of the square matrices of the matmul measurement
     * @param latencyLaunches number of synchronised fills timed for the launch latency
     */
    record Settings(long bandwidthBytes, int gemmN, int latencyLaunches) {
        static final Settings DEFAULT = new Settings(64L << 20, 1024, 200);
    }

    /**
     * What the self-test found on one device. {@code opsChecked} counts the conformance cases run,
     * {@code opFailures} lists the failing ones (a case can fail for more than one output).
     * Measurements that did not run are NaN; {@code kernelBuildMs} is NaN when the kernels failed to
     * build.
     */
    record Result(String deviceId, boolean passed, double kernelBuildMs, int opsChecked,
                  List<Conformance.Failure> opFailures, double launchSyncUs, double launchPipelinedUs,
                  double hostToDeviceGBs, double deviceToHostGBs, long bandwidthBytes, int gemmN,
                  double gemmGflops, List<String> errors) {
    }

    private static final int BANDWIDTH_REPEATS = 5;
    private static final int PIPELINE_ROUNDS = 5;
    private static final int PIPELINE_LAUNCHES = 500;
    private static final int GEMM_MAX_RUNS = 5;
    private static final double GEMM_TIME_BUDGET_S = 3.0;

    private final Backend dev;
    private final Settings settings;
    private final List<String> errors = new ArrayList<>();
    private final List<Conformance.Failure> opFailures = new ArrayList<>();
    private int opsChecked;

    private SelfTest(Backend device, Settings settings) {
        this.dev = device;
        this.settings = settings;
    }

    /** Runs the self-test of {@code device}. */
    static Result run(Backend device, Settings settings) {
        return new SelfTest(device, settings).run();
    }

    private Result run() {
        long buffersBefore = dev.memoryStats().buffersInUse();
        double buildMs;
        try {
            buildMs = dev.prepareKernels() / 1e6;
        } catch (RuntimeException | LinkageError e) {
            errors.add("kernel build failed: " + describe(e, 40));
            return new Result(dev.id(), false, Double.NaN, 0, List.of(), Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, 0, settings.gemmN(), Double.NaN, List.copyOf(errors));
        }
        runConformanceTables();
        double[] latency = measure("launch latency", this::latency, 2);
        long bwBytes = bandwidthBytes();
        double[] bandwidth = measure("bandwidth", () -> bandwidth(bwBytes), 2);
        double[] gemm = measure("matmul", () -> new double[] {gemm()}, 1);
        try {
            dev.synchronize();
            long buffersAfter = dev.memoryStats().buffersInUse();
            if (buffersAfter > buffersBefore) {
                errors.add("memory: " + (buffersAfter - buffersBefore)
                        + " buffer(s) still in use after the self-test freed all of its own");
            }
        } catch (RuntimeException e) {
            errors.add("synchronize after the self-test failed: " + describe(e));
        }
        boolean passed = opFailures.isEmpty() && errors.isEmpty();
        return new Result(dev.id(), passed, buildMs, opsChecked, List.copyOf(opFailures),
                latency[0], latency[1], bandwidth[0], bandwidth[1], bwBytes, settings.gemmN(), gemm[0],
                List.copyOf(errors));
    }

    /** Every family's quick table against its double-precision reference. */
    private void runConformanceTables() {
        for (Family family : Family.values()) {
            try {
                Conformance.Report r = Conformance.againstReference(dev, family.cases(CaseSize.QUICK));
                opsChecked += r.cases();
                opFailures.addAll(r.failures());
            } catch (RuntimeException | LinkageError e) {
                // a whole table that could not run is not one failed case among many: say so apart
                opFailures.add(new Conformance.Failure(family.name(), "threw " + describe(e)));
                errors.add("the " + family.name() + " conformance table could not run: " + describe(e));
            }
        }
    }

    /** Runs one measurement; on an exception records it and returns NaNs. */
    private double[] measure(String what, Measurement m, int results) {
        try {
            return m.run();
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            errors.add(what + " failed: " + describe(e));
            double[] nan = new double[results];
            Arrays.fill(nan, Double.NaN);
            return nan;
        }
    }

    @FunctionalInterface
    private interface Measurement {
        double[] run();
    }

    /** [median µs of a fill + synchronize, mean µs of a pipelined fill]. */
    private double[] latency() {
        Buffer b = dev.allocate(ElementType.F32, 1);
        try {
            for (int i = 0; i < 20; i++) {
                dev.fill(b, 1, i);
                dev.synchronize();
            }
            long[] t = new long[Math.max(1, settings.latencyLaunches())];
            for (int i = 0; i < t.length; i++) {
                long t0 = System.nanoTime();
                dev.fill(b, 1, i);
                dev.synchronize();
                t[i] = System.nanoTime() - t0;
            }
            long[] rounds = new long[PIPELINE_ROUNDS];
            for (int r = 0; r < rounds.length; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < PIPELINE_LAUNCHES; i++) {
                    dev.fill(b, 1, i);
                }
                dev.synchronize();
                rounds[r] = System.nanoTime() - t0;
            }
            return new double[] {median(t) / 1e3, median(rounds) / 1e3 / PIPELINE_LAUNCHES};
        } finally {
            dev.free(b);
        }
    }

    /** The bandwidth buffer: the configured size, but at most an eighth of the device's memory. */
    private long bandwidthBytes() {
        long bytes = settings.bandwidthBytes();
        long mem = dev.info().globalMemBytes();
        if (mem > 0) {
            bytes = Math.min(bytes, mem / 8);
        }
        return Math.max(4, bytes / 4 * 4);
    }

    /** [host->device GB/s, device->host GB/s], medians. */
    private double[] bandwidth(long bytes) {
        int n = (int) Math.min(Integer.MAX_VALUE - 8, bytes / 4);
        float[] host = new float[n];
        Arrays.fill(host, 1.5f);
        Buffer b = dev.allocate(ElementType.F32, n);
        try {
            dev.write(b, 0, host, 0, n);
            dev.synchronize();
            dev.read(b, 0, host, 0, n);
            long[] up = new long[BANDWIDTH_REPEATS];
            long[] down = new long[BANDWIDTH_REPEATS];
            for (int r = 0; r < BANDWIDTH_REPEATS; r++) {
                long t0 = System.nanoTime();
                dev.write(b, 0, host, 0, n);
                dev.synchronize();
                up[r] = System.nanoTime() - t0;
            }
            for (int r = 0; r < BANDWIDTH_REPEATS; r++) {
                long t0 = System.nanoTime();
                dev.read(b, 0, host, 0, n);
                down[r] = System.nanoTime() - t0;
            }
            double moved = 4.0 * n;
            return new double[] {moved / median(up), moved / median(down)}; // bytes per ns = GB/s
        } finally {
            dev.free(b);
        }
    }

    /** Square matmul GFLOP/s: the median of up to five timed runs after one warm-up. */
    private double gemm() {
        int n = settings.gemmN();
        long count = (long) n * n;
        MatmulSpec spec = MatmulSpec.rowMajor(n, n, n);
        List<Buffer> bufs = new ArrayList<>();
        try {
            Buffer a = allocate(bufs, count);
            Buffer b = allocate(bufs, count);
            Buffer c = allocate(bufs, count);
            dev.randomUniform(a, count, 1L, 0L, -1f, 1f);
            dev.randomUniform(b, count, 2L, 0L, -1f, 1f);
            dev.matmul(spec, a, b, c);
            dev.synchronize();
            List<Long> runs = new ArrayList<>();
            long total = 0;
            while (runs.size() < GEMM_MAX_RUNS && (runs.size() < 2 || total < GEMM_TIME_BUDGET_S * 1e9)) {
                long t0 = System.nanoTime();
                dev.matmul(spec, a, b, c);
                dev.synchronize();
                long t = System.nanoTime() - t0;
                runs.add(t);
                total += t;
            }
            return spec.flops() / median(runs.stream().mapToLong(Long::longValue).toArray());
        } finally {
            for (Buffer buf : bufs) {
                dev.free(buf);
            }
        }
    }

    private Buffer allocate(List<Buffer> bufs, long count) {
        Buffer b = dev.allocate(ElementType.F32, count);
        bufs.add(b);
        return b;
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
    }

    /** One line about an exception: its simple class name and the first line of its message. */
    static String describe(Throwable e) {
        return describe(e, 1);
    }

    /** An exception's simple class name and up to {@code maxLines} lines of its message. */
    static String describe(Throwable e, int maxLines) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            return e.getClass().getSimpleName();
        }
        String[] lines = msg.strip().split("\\R");
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName()).append(": ");
        for (int i = 0; i < Math.min(lines.length, maxLines); i++) {
            sb.append(i == 0 ? "" : "\n").append(lines[i]);
        }
        if (lines.length > maxLines) {
            sb.append(maxLines == 1 ? " ..." : "\n... (" + (lines.length - maxLines) + " more lines)");
        }
        return sb.toString();
    }
}
