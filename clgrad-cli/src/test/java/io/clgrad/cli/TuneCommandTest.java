package io.clgrad.cli;

import static io.clgrad.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.ChildJvm;
import io.clgrad.Device;
import io.clgrad.TestDevices;
import io.clgrad.backend.Tuner;
import io.clgrad.cli.TrainCommandTest.Run;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code clgrad tune}, which reaches each device's tuner through the backend SPI ({@link Tuner}):
 * a device without one (the CPU backend without the Vector API) is refused by name, and a dry run on
 * the CPU backend or an OpenCL device prints the documented lines (docs/cli.md) and saves nothing.
 */
class TuneCommandTest {
    private static final Pattern CANDIDATE = Pattern.compile("candidate (\\d+) (\\S+): (\\d+\\.\\d) GFLOP/s");
    private static final Pattern CURRENT = Pattern.compile("current: (\\d+\\.\\d) GFLOP/s \\[(\\S+)\\]");

    /**
     * Without the Vector API (a JVM started without {@code --add-modules jdk.incubator.vector}) the
     * CPU backend runs plain loops, has no tuner, and {@code clgrad tune --device cpu} refuses it by name.
     */
    @Test
    void withoutTheVectorApiTheCpuHasNothingToTuneAndSaysSo() throws Exception {
        ProcessBuilder pb = ChildJvm.builder(Main.class, "tune", "--device", "cpu", "--dry-run");
        pb.environment().put("CLGRAD_VECTOR", "0");
        ChildJvm.Result r = ChildJvm.run(pb, Duration.ofSeconds(120));
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("clgrad tune: cpu (Java CPU backend (") && r.output().contains(
                ") has nothing to tune: its backend has no tunable kernels; "), r.output());
        assertFalse(r.output().contains("candidate 1 "), r.output());
    }

    /** The devices that offer a tuner: the CPU backend (Vector API path, as the tests run) and every OpenCL device. */
    static List<Device> tunable() {
        assertTrue(Device.cpu().backend().tuner().isPresent(), "the CPU backend's Vector API path offers a tuner");
        return TestDevices.all();
    }

    /** A dry run with few, small candidates: every line as documented, nothing saved. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tunable")
    void aDryRunPrintsEveryCandidateAndTheChoice(Device d) {
        Tuner tuner = d.backend().tuner().orElseThrow(() -> new AssertionError(d + " has no tuner"));
        Run r = run("tune", "--device", d.toString(), "--quick", "--size", "32", "--dry-run");
        assertEquals(0, r.code(), r.out() + r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("device: " + d + " (" + d.info().name() + ")", lines.get(0));
        int candidates = lines.size() - 4;
        assertTrue(candidates >= 4, "too few candidates:\n" + r.out());
        for (int i = 1; i <= candidates; i++) {
            Matcher m = CANDIDATE.matcher(lines.get(i));
            assertTrue(m.matches(), "not a candidate line: " + lines.get(i));
            assertEquals(i, Integer.parseInt(m.group(1)));
        }
        Matcher current = CURRENT.matcher(lines.get(candidates + 1));
        assertTrue(current.matches(), "not the current configuration: " + lines.get(candidates + 1));
        assertTrue(Double.parseDouble(current.group(1)) > 0, lines.get(candidates + 1));
        String best = lines.get(candidates + 2);
        assertTrue(best.startsWith("best: the current configuration, ")
                || best.matches("best: \\S+: \\d+\\.\\d GFLOP/s \\(\\d+\\.\\d\\dx current\\) \\[\\S+\\]"), best);
        assertEquals("not saved (--dry-run)", lines.get(candidates + 3));
        String inUse = tuner.inUse();
        assertFalse(inUse.isBlank());
        assertEquals(inUse, d.backend().tuner().orElseThrow().inUse(), "a dry run changes nothing");
    }

    /** {@code clgrad devices} shows each device's tuning in use from the same SPI, the CPU's included. */
    @Test
    void devicesShowsTheTuningInUse() {
        Run r = run("devices");
        assertEquals(0, r.code(), r.out() + r.err());
        long rows = r.out().lines().filter(l -> l.strip().startsWith("kernel tuning")).count();
        assertEquals(TestDevices.all().size(), rows, r.out());
        assertTrue(Device.cpu().backend().tuner().orElseThrow().inUse().matches(
                "tile=\\d+x\\d+,kc=\\d+,mc=\\d+,nc=\\d+ \\((built-in|tuned: .+|-Dclgrad.cpu.gemm); .+, "
                        + ".+: \\d+ floats/vector, \\d+ registers, .+\\)"), Device.cpu().backend().tuner().get().inUse());
        for (Device d : TestDevices.all()) {
            assertTrue(r.out().contains(d.backend().tuner().orElseThrow().inUse()), d + ":\n" + r.out());
        }
    }
}
