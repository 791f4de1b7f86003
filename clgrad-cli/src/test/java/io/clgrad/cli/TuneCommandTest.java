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
        int gemmEnd = lines.indexOf("not saved (--dry-run)");
        assertTrue(gemmEnd > 0, "no 'not saved' line:\n" + r.out());
        assertTrue(gemmEnd - 3 >= 4, "too few candidates:\n" + r.out());
        checkSection(lines.subList(1, gemmEnd + 1), "");
        String convInUse = tuner.convInUse();
        if (convInUse == null) {
            assertEquals(gemmEnd + 1, lines.size(), "no conv tuning, no conv lines:\n" + r.out());
        } else {
            // the conv kernels' candidates follow the GEMM's, in the same format, each line after "conv "
            assertTrue(lines.size() - gemmEnd - 1 >= 3 + 4, "too few conv candidates:\n" + r.out());
            checkSection(lines.subList(gemmEnd + 1, lines.size()), "conv ");
            assertEquals(convInUse, d.backend().tuner().orElseThrow().convInUse(), "a dry run changes nothing");
        }
        String inUse = tuner.inUse();
        assertFalse(inUse.isBlank());
        assertEquals(inUse, d.backend().tuner().orElseThrow().inUse(), "a dry run changes nothing");
    }

    /**
     * One tuning section of a dry run: candidate lines numbered from 1, the current configuration,
     * the best one and "not saved", each after {@code prefix}.
     */
    private static void checkSection(List<String> lines, String prefix) {
        int candidates = lines.size() - 3;
        for (int i = 1; i <= candidates; i++) {
            String line = lines.get(i - 1);
            assertTrue(line.startsWith(prefix), "not a " + prefix + "line: " + line);
            Matcher m = CANDIDATE.matcher(line.substring(prefix.length()));
            assertTrue(m.matches(), "not a candidate line: " + line);
            assertEquals(i, Integer.parseInt(m.group(1)));
        }
        Matcher current = CURRENT.matcher(lines.get(candidates).substring(prefix.length()));
        assertTrue(current.matches(), "not the current configuration: " + lines.get(candidates));
        assertTrue(Double.parseDouble(current.group(1)) > 0, lines.get(candidates));
        String best = lines.get(candidates + 1).substring(prefix.length());
        assertTrue(best.startsWith("best: the current configuration, ")
                || best.matches("best: \\S+: \\d+\\.\\d GFLOP/s \\(\\d+\\.\\d\\dx current\\) \\[\\S+\\]"), best);
        assertEquals(prefix + "not saved (--dry-run)", lines.get(candidates + 2));
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
        // the conv kernels' tuning beside the GEMM's, for every device whose convolutions have tunables
        String conv = Device.cpu().backend().tuner().orElseThrow().convInUse();
        assertTrue(conv.matches("im2col=(auto|\\d+),col2im=(auto|\\d+),direct=(auto|4|8) \\((built-in|tuned: .+|-Dclgrad.cpu.conv)\\)"),
                conv);
        long convRows = r.out().lines().filter(l -> l.strip().startsWith("conv tuning")).count();
        assertEquals(TestDevices.all().stream().filter(d -> d.backend().tuner().orElseThrow().convInUse() != null)
                .count(), convRows, r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().startsWith("conv tuning") && l.contains(conv)), r.out());
    }
}
