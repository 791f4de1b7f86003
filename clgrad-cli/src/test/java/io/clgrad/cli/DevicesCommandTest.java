package io.clgrad.cli;

import static io.clgrad.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.backend.BackendRegistry;
import io.clgrad.cli.TrainCommandTest.Run;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs {@code clgrad devices} in-process and checks its text and JSON output. */
class DevicesCommandTest {

    @Test
    void jsonIsOneValidObjectListingEveryDeviceAndTheBestOne() {
        Run r = run("devices", "--json");
        assertEquals(0, r.code(), () -> "stderr: " + r.err());
        Object parsed = StrictJson.parse(r.out());
        Map<?, ?> root = assertInstanceOf(Map.class, parsed, "top level must be an object");

        List<?> devices = assertInstanceOf(List.class, root.get("devices"));
        assertEquals(BackendRegistry.get().backends().size(), devices.size());
        boolean sawCpu = false;
        int bestFlags = 0;
        for (Object o : devices) {
            Map<?, ?> d = assertInstanceOf(Map.class, o);
            for (String key : List.of("id", "name", "vendor", "kind", "platform", "version", "driverVersion")) {
                assertInstanceOf(String.class, d.get(key), key + " must be a string in " + d);
            }
            for (String key : List.of("computeUnits", "clockMhz", "globalMemBytes", "localMemBytes", "maxWorkGroupSize")) {
                assertInstanceOf(Double.class, d.get(key), key + " must be a number in " + d);
            }
            for (String key : List.of("fp16", "fp64", "best")) {
                assertInstanceOf(Boolean.class, d.get(key), key + " must be a boolean in " + d);
            }
            assertFalse(d.containsKey("selfTest"), "no self-test results unless asked");
            if (d.get("id").equals("cpu")) {
                sawCpu = true;
                assertEquals("JAVA_CPU", d.get("kind"));
                // the conv kernels' tuning in use, beside the GEMM's (the tests run the Vector API path)
                assertEquals(Device.cpu().backend().tuner().orElseThrow().convInUse(), d.get("convTuning"), d.toString());
                assertInstanceOf(String.class, d.get("kernelTuning"), d.toString());
            }
            bestFlags += Boolean.TRUE.equals(d.get("best")) ? 1 : 0;
        }
        assertTrue(sawCpu, "the CPU backend must be listed: " + devices);
        assertEquals(1, bestFlags, "exactly one device is marked best");

        Map<?, ?> best = assertInstanceOf(Map.class, root.get("best"));
        assertEquals(Device.best().id(), best.get("id"));
        String reason = assertInstanceOf(String.class, best.get("reason"));
        assertFalse(reason.isBlank());

        List<?> problems = assertInstanceOf(List.class, root.get("problems"));
        assertEquals(BackendRegistry.get().problems(), problems);
        Map<?, ?> opencl = assertInstanceOf(Map.class, root.get("opencl"));
        assertInstanceOf(String.class, opencl.get("status"));
        assertFalse(root.containsKey("selfTestPassed"));
    }

    @Test
    void textNamesTheBestDeviceAndWhy() {
        Run r = run("devices");
        assertEquals(0, r.code(), () -> "stderr: " + r.err());
        String out = r.out();
        assertTrue(out.contains("Best device: " + Device.best().id()), out);
        assertTrue(out.contains("why: " + Device.bestReason()), out);
        assertTrue(out.contains("CPU backend"), out);
        for (Device d : Device.all()) {
            assertTrue(out.contains(d.id()), "lists " + d.id() + ":\n" + out);
        }
        if (Device.all().stream().allMatch(Device::isCpu)) {
            assertTrue(out.contains("only the Java CPU backend is available"), out);
        }
    }

    @Test
    void quickSelfTestPassesOnEveryDeviceAndIsValidJson() {
        Run r = run("devices", "--json", "--self-test", "--gemm-size", "64", "--bandwidth-mib", "1");
        Map<?, ?> root = assertInstanceOf(Map.class, StrictJson.parse(r.out()));
        List<?> devices = assertInstanceOf(List.class, root.get("devices"));
        for (Object o : devices) {
            Map<?, ?> d = (Map<?, ?>) o;
            Map<?, ?> st = assertInstanceOf(Map.class, d.get("selfTest"), "self-test result for " + d.get("id"));
            assertEquals(Boolean.TRUE, st.get("passed"), () -> d.get("id") + " failed its self-test: " + st);
            assertTrue(((Double) st.get("opsChecked")) > 50, "ran the op checks");
        }
        assertEquals(Boolean.TRUE, root.get("selfTestPassed"));
        assertEquals(0, r.code(), () -> "stderr: " + r.err());
    }

    @Test
    void badUsageIsOneLineAndExitCodeTwo() {
        Run r = run("devices", "--no-such-option");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("clgrad devices: Unknown option: '--no-such-option'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());

        Run none = run();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("Missing required subcommand"), none.err());
    }

    @Test
    void theOpenClStateIsClassifiedFromTheRegistrysProblems() {
        List<Device> cpuOnly = List.of(Device.cpu());
        assertEquals("no-runtime", DevicesCommand.OpenClStatus.of(cpuOnly, List.of(
                "no OpenCL runtime found (libOpenCL.so.1 could not be loaded); install one with scripts/install-opencl")).state());
        assertEquals("no-platform", DevicesCommand.OpenClStatus.of(cpuOnly, List.of(
                "no OpenCL platform found (the OpenCL ICD loader is installed but no driver is registered)")).state());
        assertEquals("no-device", DevicesCommand.OpenClStatus.of(cpuOnly, List.of(
                "opencl:0 (Foo on Bar): clCreateContext failed")).state());
        assertEquals("no-device", DevicesCommand.OpenClStatus.of(cpuOnly, List.of()).state());
        assertTrue(DevicesCommand.OpenClStatus.of(cpuOnly, List.of("no OpenCL runtime found")).message()
                .contains("only the Java CPU backend"));
    }

    @Test
    void jsonWriterEscapesEverythingAStrictParserNeeds() {
        String nasty = "quote\" backslash\\ newline\n tab\t nul\u0000 bell\u0007 micro\u00b5 snowman\u2603 ls\u2028";
        String json = JsonWriter.write(Map.of("k\"ey", List.of(nasty, 1.5, Double.NaN, 3L, true)));
        assertTrue(json.chars().allMatch(c -> c < 0x7f), "ASCII only");
        Map<?, ?> back = (Map<?, ?>) StrictJson.parse(json);
        List<?> list = (List<?>) back.get("k\"ey");
        assertEquals(nasty, list.get(0));
        assertEquals(1.5, list.get(1));
        assertEquals(null, list.get(2), "NaN has no JSON spelling: null");
        assertEquals(3.0, list.get(3));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse("{\"a\": 1,}"));
        assertThrows(IllegalArgumentException.class, () -> StrictJson.parse("{\"a\": NaN}"));
    }
}
