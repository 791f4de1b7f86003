package io.clgrad.bench;

import io.clgrad.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Cold and warm kernel set-up time of a device: {@link io.clgrad.backend.Backend#prepareKernels()} in a
 * fresh JVM pointed at an empty temporary program cache ({@code -Dclgrad.cacheDir}), so every program
 * is compiled from source (cold), then in a second fresh JVM on the same cache, so every program is
 * loaded from disk (warm). The user's own cache is not touched.
 *
 * <p>The child JVMs run {@link #main(String[])} of this class.
 */
public final class KernelSetup {
    static final String RESULT_PREFIX = "prepareKernels ns=";

    private KernelSetup() {
    }

    /** Cold and warm set-up in nanoseconds. */
    public record Times(long coldNs, long warmNs) {
    }

    /**
     * Measures a device's cold and warm set-up in two child JVMs.
     *
     * @param deviceId e.g. {@code opencl:0}
     * @param timeoutSeconds per child JVM
     */
    public static Times measure(String deviceId, long timeoutSeconds) throws IOException {
        Path cache = Files.createTempDirectory("clgrad-bench-cache");
        try {
            long cold = runChild(deviceId, cache, timeoutSeconds);
            long warm = runChild(deviceId, cache, timeoutSeconds);
            return new Times(cold, warm);
        } finally {
            deleteTree(cache);
        }
    }

    private static long runChild(String deviceId, Path cache, long timeoutSeconds) throws IOException {
        String what = "kernel set-up of " + deviceId;
        String output = ChildJvm.run(List.of("-Dclgrad.cacheDir=" + cache), KernelSetup.class, List.of(deviceId),
                timeoutSeconds, what);
        for (String line : output.split("\\R")) {
            if (line.startsWith(RESULT_PREFIX)) {
                return Long.parseLong(line.substring(RESULT_PREFIX.length()).trim());
            }
        }
        throw new IOException("the child JVM for " + what + " printed no result");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /**
     * Child JVM entry point: prepares the kernels of the device named by {@code args[0]} and prints
     * {@code prepareKernels ns=N}.
     */
    public static void main(String[] args) {
        Device dev = Device.parse(args[0]);
        long ns = dev.backend().prepareKernels();
        System.out.println(RESULT_PREFIX + ns);
        System.out.flush();
        System.exit(0);
    }
}
