package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.backend.Tuner;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clgrad tune}: times candidate matmul kernel configurations on each device whose backend
 * offers a {@link Tuner} (the OpenCL devices, and the CPU backend when it runs the Vector API path)
 * and keeps the fastest for later runs, so a device the built-in table does not know still gets a
 * fast GEMM. It knows devices only through the
 * backend SPI.
 */
@Command(name = "tune",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        showDefaultValues = true,
        description = {"Times candidate matmul kernel configurations on each device that has a tuner (each one "
                + "first checked against a double-precision reference) and saves the fastest in clgrad's cache "
                + "(~/.cache/clgrad/tuning/, or $CLGRAD_CACHE_DIR), where every later run on that device and driver "
                + "picks it up. The OpenCL devices have a tuner, and so has the Java CPU backend (register tile and cache "
                + "blocking of its Vector API GEMM, kept per CPU model and vector width) when the JVM runs with "
                + "--add-modules jdk.incubator.vector, as scripts/clgrad starts it. Then the conv kernels' candidates "
                + "(OpenCL: conv.cl's im2col/col2im work-group sizes; Java CPU: their chunks per thread), each checked "
                + "on the conv conformance tables and timed on the CNN's two layers (batch 128), saved in the same file.",
            "Lines: 'device: ...', 'candidate I CHANGES: X GFLOP/s', 'current: X GFLOP/s [SPEC]', "
                + "'best: CHANGES: X GFLOP/s (R x current) [SPEC]' (or 'best: the current configuration, X GFLOP/s'), "
                + "'saved: FILE'; then the same lines for the conv kernels, each after 'conv '."})
final class TuneCommand implements Callable<Integer> {

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "Only this device: cpu, opencl, opencl:N or gpu (default: every device that has a tuner).")
    String device;

    @Option(names = "--size", paramLabel = "N", defaultValue = "1024", description = "n of the timed n x n products.")
    int size;

    @Option(names = "--quick", description = "Try fewer candidates: one work-group shape and vector width "
            + "(OpenCL CPU devices), one k-slice depth (GPUs), one kc per register tile (the Java CPU backend).")
    boolean quick;

    @Option(names = "--dry-run", description = "Measure and report, but save nothing.")
    boolean dryRun;

    @Option(names = "--reset", description = "Delete the saved result (back to the built-in table) and exit.")
    boolean reset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (size < 1 || size > 8192) {
            throw new IllegalArgumentException("--size must be between 1 and 8192, got " + size);
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<Device, Tuner> tuners = new LinkedHashMap<>();
        for (Device d : device == null ? Device.all() : List.of(Device.parse(device))) {
            Optional<Tuner> tuner = d.backend().tuner();
            if (tuner.isPresent()) {
                tuners.put(d, tuner.get());
            } else if (device != null) {
                throw new IllegalArgumentException(d + " (" + d.backend().info().name() + ") has nothing to tune: its "
                        + "backend has no tunable kernels; " + tunable());
            }
        }
        if (tuners.isEmpty()) {
            out.println("nothing to tune: no device has tunable kernels (devices: " + ids(Device.all()) + ")");
            out.flush();
            return 0;
        }
        for (Map.Entry<Device, Tuner> e : tuners.entrySet()) {
            Device d = e.getKey();
            Tuner tuner = e.getValue();
            out.println("device: " + d.backend().info().id() + " (" + d.backend().info().name() + ")");
            if (reset) {
                out.println((tuner.reset() ? "deleted: " : "nothing saved: ") + tuner.resultFile());
                out.flush();
                continue;
            }
            out.flush();
            int[] index = {0};
            Tuner.Result r = tuner.tune(size, quick, !dryRun, c -> {
                index[0]++;
                out.println("candidate " + index[0] + " " + line(c));
                out.flush();
            });
            summary(out, "", r);
            int[] convIndex = {0};
            Optional<Tuner.Result> conv = tuner.tuneConv(quick, !dryRun, c -> {
                convIndex[0]++;
                out.println("conv candidate " + convIndex[0] + " " + line(c));
                out.flush();
            });
            if (conv.isPresent()) {
                summary(out, "conv ", conv.get());
            }
        }
        return 0;
    }

    /** The current configuration, the best one and where it went, each line after {@code prefix}. */
    private static void summary(PrintWriter out, String prefix, Tuner.Result r) {
        out.println(prefix + line(r.current()) + " [" + r.current().config() + "]");
        if (r.best() == r.current()) {
            out.println(String.format(Locale.ROOT, "%sbest: the current configuration, %.1f GFLOP/s", prefix,
                    r.current().gflops()));
        } else {
            out.println(String.format(Locale.ROOT, "%sbest: %s (%.2fx current) [%s]", prefix, line(r.best()),
                    r.best().gflops() / r.current().gflops(), r.best().config()));
        }
        out.println(prefix + (r.saved() ? "saved: " + r.file() + " (used from the next start)"
                : "not saved (--dry-run)"));
        out.flush();
    }

    /** Which devices could be tuned instead, for the message when the one asked for cannot. */
    private static String tunable() {
        List<Device> all = Device.all().stream().filter(d -> d.backend().tuner().isPresent()).toList();
        return all.isEmpty() ? "no device here can be tuned" : "devices that can be tuned: " + ids(all);
    }

    private static String ids(List<Device> devices) {
        return String.join(", ", devices.stream().map(Device::toString).toList());
    }

    private static String line(Tuner.Candidate c) {
        return c.error() == null
                ? String.format(Locale.ROOT, "%s: %.1f GFLOP/s", c.label(), c.gflops())
                : c.label() + ": failed: " + c.error();
    }
}
