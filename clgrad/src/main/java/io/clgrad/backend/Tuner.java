package io.clgrad.backend;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A backend's kernel tuner, the one way {@code clgrad tune} and {@code clgrad devices} reach tuning
 * (CLBlast's tuner in miniature): it times candidate configurations of a kernel on its device, each
 * first checked against a double-precision reference, and keeps the fastest where every later
 * process on that device and driver picks it up. A backend offers one through {@link Backend#tuner()};
 * a backend with nothing to tune offers none.
 *
 * <p>A configuration is a string in the backend's own syntax (for OpenCL, the
 * {@code -Dclgrad.opencl.tuning} syntax {@code mvRows=8,mvVw=16,...}); this interface only carries it.
 * Speeds are GFLOP/s of the timed products.
 *
 * <pre>{@code
 * Tuner tuner = Device.parse("opencl:0").backend().tuner().orElseThrow();
 * Tuner.Result r = tuner.tune(1024, true, false, c -> System.out.println(c.label() + ": " + c.gflops()));
 * System.out.println("best: " + r.best().config());
 * }</pre>
 */
public interface Tuner {

    /**
     * One measured configuration.
     *
     * @param label  what it changes, for display ("current" for the configuration in use)
     * @param config the whole configuration in the backend's syntax, as it would be saved
     * @param gflops its speed in GFLOP/s; NaN when it failed
     * @param error  why it failed to build, launch or match the reference; null when it worked
     */
    record Candidate(String label, String config, double gflops, String error) {
    }

    /**
     * What a tuning run found.
     *
     * @param device  the device's label
     * @param current the configuration in use before tuning, and its speed
     * @param best    the fastest working candidate (may be {@code current} itself)
     * @param all     every candidate in the order tried, {@code current} not included
     * @param file    where the result is kept; null when results are not kept (the cache is disabled)
     * @param saved   whether {@code best} was written there
     */
    record Result(String device, Candidate current, Candidate best, List<Candidate> all, Path file,
                  boolean saved) {
    }

    /**
     * Which configuration the device runs with now and where it came from, for diagnostics
     * ({@code clgrad devices}), e.g. {@code "cpu (built-in)"} or
     * {@code "cpu+tuned (/home/u/.cache/clgrad/tuning/...properties)"}.
     *
     * @return a one-line description
     */
    String inUse();

    /**
     * Where this device's result is kept.
     *
     * @return the file, or null when results are not kept (the cache is disabled)
     */
    Path resultFile();

    /**
     * Times the candidates and, when {@code save}, keeps the fastest in {@link #resultFile()}, used
     * from the next process start on.
     *
     * @param size     n of the timed n x n x n products (at least 1)
     * @param quick    try fewer candidates
     * @param save     keep the result (false: measure and report only)
     * @param progress receives each candidate as soon as it is measured
     * @return the current configuration, the best one and every candidate
     * @throws IllegalArgumentException when {@code size} is below 1
     * @throws IllegalStateException    when no configuration works, not even the current one
     * @throws IOException              when the result cannot be saved
     */
    Result tune(int size, boolean quick, boolean save, Consumer<Candidate> progress) throws IOException;

    /**
     * Forgets the kept result, so later processes use the backend's built-in configuration again.
     *
     * @return true when there was a result to delete
     * @throws IOException when it cannot be deleted
     */
    boolean reset() throws IOException;

    /**
     * Which convolution configuration the device runs with now and where it came from, for
     * {@code clgrad devices} beside {@link #inUse()}, e.g. {@code "im2col=auto,col2im=auto,direct=auto (built-in)"}.
     *
     * @return a one-line description, or null when the backend's convolutions have nothing to tune
     */
    default String convInUse() {
        return null;
    }

    /**
     * Times the convolution candidates (the patch copies im2col and col2im with the products between
     * them, on the CNN's two layers: batch 128, 1→32 channels on 28×28 and 32→64 on 14×14, 3×3,
     * padding 1), each first checked against the double reference of the conv conformance tables,
     * and when {@code save} keeps the fastest in {@link #resultFile()} beside the GEMM's result.
     * Speeds are GFLOP/s of the convolutions' products over the time of the whole pass.
     *
     * @param quick    try fewer candidates
     * @param save     keep the result
     * @param progress receives each candidate as soon as it is measured
     * @return the result, or empty when the backend's convolutions have nothing to tune
     * @throws IllegalStateException when no configuration works
     * @throws IOException           when the result cannot be saved
     */
    default java.util.Optional<Result> tuneConv(boolean quick, boolean save, Consumer<Candidate> progress)
            throws IOException {
        return java.util.Optional.empty();
    }
}
