package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import io.clgrad.backend.Tuner;
import io.clgrad.backend.conformance.Conformance;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders what {@code clgrad devices} found: aligned text for people, a JSON tree for machines. */
final class DeviceReport {
    private static final String MICROS = microsecondSymbol();
    private static final String ROW = "      %-16s %s%n";
    /** Failing conformance cases listed per device in the text report (the JSON lists all). */
    private static final int FAILURES_SHOWN = 10;

    private DeviceReport() {
    }

    // ------------------------------------------------------------------ text

    static void printDevices(PrintWriter out, DevicesCommand.Findings f) {
        out.printf("clgrad %s, Java %s%n", Main.Version.version(), System.getProperty("java.version"));
        List<Device> cpu = f.devices().stream().filter(Device::isCpu).toList();
        if (!cpu.isEmpty()) {
            out.println();
            out.println("CPU backend");
            cpu.forEach(d -> printDevice(out, d, f));
        }
        Set<String> platforms = new LinkedHashSet<>();
        f.devices().stream().filter(d -> !d.isCpu()).forEach(d -> platforms.add(d.info().platform()));
        for (String platform : platforms) {
            out.println();
            out.println("OpenCL platform: " + (platform.isEmpty() ? "(unnamed)" : platform));
            f.devices().stream().filter(d -> !d.isCpu() && d.info().platform().equals(platform))
                    .forEach(d -> printDevice(out, d, f));
        }
        if (!f.opencl().state().equals("ok")) {
            out.println();
            out.println("OpenCL");
            out.println("  " + f.opencl().message());
            // a driver to install helps only when none is installed, not when OCL_ICD_VENDORS points elsewhere
            if (f.opencl().state().equals("no-runtime")
                    || f.problems().stream().anyMatch(p -> p.contains("no driver is registered"))) {
                out.println("  " + DevicesCommand.OpenClStatus.INSTALL_HINT);
            }
        }
        if (!f.problems().isEmpty()) {
            out.println();
            out.println("Problems (devices skipped)");
            for (String p : f.problems()) {
                out.println("  - " + p.strip().replace("\n", "\n    "));
            }
        }
        out.println();
        if (f.bestId() != null) {
            Device best = f.devices().stream().filter(d -> d.id().equals(f.bestId())).findFirst().orElse(null);
            out.printf("Best device: %s%s%n", f.bestId(), best == null ? "" : " (" + best.info().name() + ")");
            out.println("  why: " + f.bestReason());
        } else {
            out.println("Best device: none");
            out.println("  error: " + f.bestError());
        }
    }

    private static void printDevice(PrintWriter out, Device d, DevicesCommand.Findings f) {
        DeviceInfo i = d.info();
        boolean java = i.kind() == DeviceKind.JAVA_CPU;
        out.printf("  %-20s %s%s%n", d.id(), i.name(), d.id().equals(f.bestId()) ? "   <- best" : "");
        row(out, "vendor", i.vendor());
        row(out, "type", kindName(i.kind()));
        row(out, java ? "Java version" : "OpenCL version", i.version());
        row(out, "driver version", i.driverVersion());
        row(out, java ? "threads" : "compute units", i.computeUnits() > 0 ? Integer.toString(i.computeUnits()) : "");
        row(out, "max clock", i.clockMhz() > 0 ? i.clockMhz() + " MHz" : "");
        row(out, "global memory", bytes(i.globalMemBytes()));
        row(out, "local memory", bytes(i.localMemBytes()));
        row(out, "max work-group", i.maxWorkGroupSize() > 0 ? Long.toString(i.maxWorkGroupSize()) : "");
        row(out, "fp16 / fp64", yesNo(i.fp16()) + " / " + yesNo(i.fp64()));
        String tuning = tuningInUse(d);
        if (tuning != null) {
            row(out, "kernel tuning", tuning);
        }
        String convTuning = d.backend().tuner().map(Tuner::convInUse).orElse(null);
        if (convTuning != null) {
            row(out, "conv tuning", convTuning);
        }
    }

    private static void row(PrintWriter out, String label, String value) {
        out.printf(ROW, label, value == null || value.isBlank() ? "-" : value.strip());
    }

    static void printSelfTestHeading(PrintWriter out) {
        out.println();
        out.printf("Self-test (the conformance tables at quick sizes, each case against its double-precision"
                + " reference)%n");
    }

    static void printSelfTest(PrintWriter out, SelfTest.Result r) {
        out.printf("  %-20s %s%n", r.deviceId(), r.passed() ? "PASS" : "FAIL");
        row(out, "kernel build", Double.isNaN(r.kernelBuildMs()) ? "FAILED"
                : r.kernelBuildMs() == 0 ? "none (no compiled kernels)" : String.format(Locale.ROOT, "%.0f ms", r.kernelBuildMs()));
        if (r.opsChecked() > 0) {
            long failing = r.opFailures().stream().map(Conformance.Failure::caseName).distinct().count();
            row(out, "ops", (r.opsChecked() - failing) + "/" + r.opsChecked() + " cases agree with the reference");
        }
        row(out, "launch latency", Double.isNaN(r.launchSyncUs()) ? "" : String.format(Locale.ROOT,
                "%.1f %s with synchronize, %.1f %s pipelined", r.launchSyncUs(), MICROS, r.launchPipelinedUs(), MICROS));
        row(out, "host->device", Double.isNaN(r.hostToDeviceGBs()) ? ""
                : String.format(Locale.ROOT, "%.2f GB/s (%s buffer)", r.hostToDeviceGBs(), bytes(r.bandwidthBytes())));
        row(out, "device->host", Double.isNaN(r.deviceToHostGBs()) ? ""
                : String.format(Locale.ROOT, "%.2f GB/s", r.deviceToHostGBs()));
        row(out, "matmul", Double.isNaN(r.gemmGflops()) ? ""
                : String.format(Locale.ROOT, "%.1f GFLOP/s (n=%d)", r.gemmGflops(), r.gemmN()));
        for (int i = 0; i < Math.min(FAILURES_SHOWN, r.opFailures().size()); i++) {
            Conformance.Failure fail = r.opFailures().get(i);
            out.printf("      FAIL %s %s%n", fail.caseName(), fail.detail().replace("\n", "\n        "));
        }
        if (r.opFailures().size() > FAILURES_SHOWN) {
            out.printf("      ... and %d more failure(s) (--json lists them all)%n", r.opFailures().size() - FAILURES_SHOWN);
        }
        for (String e : r.errors()) {
            out.println("      FAIL " + e.replace("\n", "\n        "));
        }
    }

    static void printSelfTestSummary(PrintWriter out, List<SelfTest.Result> results) {
        List<String> failed = results.stream().filter(r -> !r.passed()).map(SelfTest.Result::deviceId).toList();
        out.println();
        if (failed.isEmpty()) {
            out.printf("Self-test passed on %d device(s).%n", results.size());
        } else {
            out.printf("Self-test FAILED on %s (%d of %d device(s)).%n", String.join(", ", failed), failed.size(), results.size());
        }
    }

    // ------------------------------------------------------------------ JSON

    /** The JSON tree: devices, best, opencl status, problems, and self-test results when given. */
    static Map<String, Object> toJson(DevicesCommand.Findings f, List<SelfTest.Result> selfTests) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("clgrad", Main.Version.version());
        root.put("java", System.getProperty("java.version"));
        List<Object> devices = new ArrayList<>();
        for (Device d : f.devices()) {
            Map<String, Object> m = withTuning(deviceJson(d.info()), d);
            m.put("best", d.id().equals(f.bestId()));
            if (selfTests != null) {
                selfTests.stream().filter(r -> r.deviceId().equals(d.id())).findFirst()
                        .ifPresent(r -> m.put("selfTest", selfTestJson(r)));
            }
            devices.add(m);
        }
        root.put("devices", devices);
        Map<String, Object> best = new LinkedHashMap<>();
        best.put("id", f.bestId());
        best.put("reason", f.bestReason());
        if (f.bestError() != null) {
            best.put("error", f.bestError());
        }
        root.put("best", best);
        Map<String, Object> opencl = new LinkedHashMap<>();
        opencl.put("status", f.opencl().state());
        opencl.put("devices", f.opencl().devices());
        opencl.put("message", f.opencl().message());
        root.put("opencl", opencl);
        root.put("problems", f.problems());
        if (selfTests != null) {
            root.put("selfTestPassed", selfTests.stream().allMatch(SelfTest.Result::passed));
        }
        return root;
    }

    private static Map<String, Object> deviceJson(DeviceInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("name", i.name());
        m.put("vendor", i.vendor());
        m.put("kind", i.kind());
        m.put("platform", i.platform());
        m.put("version", i.version());
        m.put("driverVersion", i.driverVersion());
        m.put("computeUnits", i.computeUnits());
        m.put("clockMhz", i.clockMhz());
        m.put("globalMemBytes", i.globalMemBytes());
        m.put("localMemBytes", i.localMemBytes());
        m.put("maxWorkGroupSize", i.maxWorkGroupSize());
        m.put("fp16", i.fp16());
        m.put("fp64", i.fp64());
        return m;
    }

    /** The kernel tuning a device runs with ({@link Tuner#inUse()}), or null when its backend has no tuner. */
    private static String tuningInUse(Device d) {
        return d.backend().tuner().map(Tuner::inUse).orElse(null);
    }

    /** As {@link #deviceJson}, plus the kernel tuning of a device that has a tuner (the OpenCL devices). */
    private static Map<String, Object> withTuning(Map<String, Object> m, Device d) {
        String tuning = tuningInUse(d);
        if (tuning != null) {
            m.put("kernelTuning", tuning);
        }
        String convTuning = d.backend().tuner().map(Tuner::convInUse).orElse(null);
        if (convTuning != null) {
            m.put("convTuning", convTuning);
        }
        return m;
    }

    private static Map<String, Object> selfTestJson(SelfTest.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", r.passed());
        m.put("kernelBuildMs", round(r.kernelBuildMs(), 1));
        m.put("opsChecked", r.opsChecked());
        List<Object> failures = new ArrayList<>();
        for (Conformance.Failure fail : r.opFailures()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("op", fail.caseName());
            fm.put("detail", fail.detail());
            failures.add(fm);
        }
        m.put("opFailures", failures);
        m.put("launchSyncUs", round(r.launchSyncUs(), 2));
        m.put("launchPipelinedUs", round(r.launchPipelinedUs(), 2));
        m.put("hostToDeviceGBps", round(r.hostToDeviceGBs(), 3));
        m.put("deviceToHostGBps", round(r.deviceToHostGBs(), 3));
        m.put("bandwidthBytes", r.bandwidthBytes());
        m.put("matmulN", r.gemmN());
        m.put("matmulGflops", round(r.gemmGflops(), 2));
        m.put("errors", r.errors());
        return m;
    }

    // ------------------------------------------------------------------ formatting

    /** Bytes in the largest binary unit that keeps the number at least 1: "15.5 GiB", "64 KiB". */
    static String bytes(long b) {
        if (b <= 0) {
            return "";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String num = v == Math.rint(v) || u == 0 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
        return num + " " + units[u];
    }

    private static String kindName(DeviceKind k) {
        return switch (k) {
            case JAVA_CPU -> "CPU (pure Java backend)";
            case OPENCL_CPU -> "CPU";
            case OPENCL_GPU -> "GPU";
            case OPENCL_ACCELERATOR -> "accelerator";
        };
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    private static double round(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return v;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    /** "µs" when stdout's encoding can carry it, else "us". */
    private static String microsecondSymbol() {
        try {
            String enc = System.getProperty("sun.stdout.encoding");
            Charset cs = enc != null ? Charset.forName(enc) : Charset.defaultCharset();
            return cs.newEncoder().canEncode('\u00b5') ? "\u00b5s" : "us";
        } catch (RuntimeException e) {
            return "us";
        }
    }
}
