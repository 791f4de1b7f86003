package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.backend.BackendRegistry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clgrad devices}: lists the Java CPU backend and every OpenCL device that initialised, says
 * which one {@link Device#best()} picks and why, and why any device was skipped. With
 * {@code --self-test} it also runs {@link SelfTest} on every device; with {@code --json} it prints
 * one JSON object instead of text.
 *
 * <p>Exit code: 0; 1 when a device fails its self-test; 2 when {@code CLGRAD_DEVICE} names no
 * usable device (everything else is still listed).
 */
@Command(name = "devices",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Lists the CPU backend and every OpenCL platform and device, and which device Device.best() picks and why.",
            "With --self-test, builds every kernel on every device, checks each op against the CPU backend and "
                    + "measures launch latency, host<->device bandwidth and matmul GFLOP/s."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a device failed its self-test",
            "2:bad usage, or CLGRAD_DEVICE names no usable device"})
final class DevicesCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print one JSON object (for machines) instead of text.")
    boolean json;

    @Option(names = "--self-test", description = "Test every device: kernel build, ops against the CPU backend, speed.")
    boolean selfTest;

    @Option(names = "--gemm-size", paramLabel = "N", defaultValue = "1024",
            description = "Side of the square matmul timed by --self-test (default: ${DEFAULT-VALUE}).")
    int gemmSize;

    @Option(names = "--bandwidth-mib", paramLabel = "MIB", defaultValue = "64",
            description = "Size of the buffer copied to and from each device by --self-test (default: ${DEFAULT-VALUE}).")
    int bandwidthMib;

    @Spec
    CommandSpec spec;

    /** What the command found; the renderers read it. */
    record Findings(List<Device> devices, String bestId, String bestReason, String bestError,
                    List<String> problems, OpenClStatus opencl) {
    }

    @Override
    public Integer call() {
        if (gemmSize < 1 || gemmSize > 16384) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--gemm-size must be in [1, 16384], got " + gemmSize);
        }
        if (bandwidthMib < 1 || bandwidthMib > 4096) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bandwidth-mib must be in [1, 4096], got " + bandwidthMib);
        }
        PrintWriter out = spec.commandLine().getOut();
        Findings f = find();
        List<SelfTest.Result> results = new ArrayList<>();
        if (json) {
            if (selfTest) {
                for (Device d : f.devices()) {
                    results.add(selfTest(d));
                }
            }
            out.println(JsonWriter.write(DeviceReport.toJson(f, selfTest ? results : null)));
        } else {
            DeviceReport.printDevices(out, f);
            if (selfTest) {
                DeviceReport.printSelfTestHeading(out);
                for (Device d : f.devices()) {
                    SelfTest.Result r = selfTest(d);
                    results.add(r);
                    DeviceReport.printSelfTest(out, r);
                    out.flush();
                }
                DeviceReport.printSelfTestSummary(out, results);
            }
        }
        out.flush();
        if (results.stream().anyMatch(r -> !r.passed())) {
            return 1;
        }
        if (f.bestError() != null) {
            spec.commandLine().getErr().println("clgrad devices: " + f.bestError());
            return CommandLine.ExitCode.USAGE;
        }
        return 0;
    }

    private SelfTest.Result selfTest(Device d) {
        if (System.console() != null && !json) {
            System.err.println("clgrad: self-testing " + d.id() + " (" + d.info().name() + ") ...");
        }
        SelfTest.Settings settings = new SelfTest.Settings((long) bandwidthMib << 20, gemmSize,
                SelfTest.Settings.DEFAULT.latencyLaunches());
        return SelfTest.run(d.backend(), settings);
    }

    /** Asks the registry and {@link Device#best()} what there is. */
    static Findings find() {
        List<Device> devices = Device.all();
        List<String> problems = BackendRegistry.get().problems();
        String bestId = null;
        String reason = null;
        String error = null;
        try {
            bestId = Device.best().id();
            reason = Device.bestReason();
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        return new Findings(devices, bestId, reason, error, problems, OpenClStatus.of(devices, problems));
    }

    /**
     * The state of the OpenCL side, from the devices found and the registry's problems.
     *
     * @param state   one of {@code ok}, {@code no-runtime} (no ICD loader library),
     *                {@code no-platform} (a loader but no platform: no driver registered, or none loaded), {@code no-device}
     *                (platforms but no device initialised)
     * @param devices number of OpenCL devices that initialised
     * @param message a sentence for people, empty when state is ok
     */
    record OpenClStatus(String state, int devices, String message) {
        static final String INSTALL_HINT = "To use OpenCL on Debian/Ubuntu, run scripts/install-opencl "
                + "(installs ocl-icd-libopencl1, pocl-opencl-icd and clinfo), or install your GPU vendor's OpenCL driver.";

        static OpenClStatus of(List<Device> devices, List<String> problems) {
            int count = (int) devices.stream().filter(d -> !d.isCpu()).count();
            if (count > 0) {
                return new OpenClStatus("ok", count, "");
            }
            String all = String.join("\n", problems).toLowerCase(java.util.Locale.ROOT);
            if (all.contains("no opencl runtime") || all.contains("libopencl") || all.contains("unsatisfiedlink")
                   ) {
                return new OpenClStatus("no-runtime", 0, "No OpenCL runtime is installed (the OpenCL ICD loader, "
                        + "libOpenCL.so.1, could not be loaded), so only the Java CPU backend is available.");
            }
            if (all.contains("no opencl platform")) {
                return new OpenClStatus("no-platform", 0, "The OpenCL loader found no platform (what it tried is "
                        + "listed under Problems), so only the Java CPU backend is available.");
            }
            return new OpenClStatus("no-device", 0, problems.isEmpty()
                    ? "No OpenCL device was found, so only the Java CPU backend is available."
                    : "No OpenCL device initialised (see the problems listed), so only the Java CPU backend is available.");
        }
    }
}
