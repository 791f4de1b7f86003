package io.clgrad.cli;

import static io.clgrad.cli.TrainCommandTest.assertRefused;
import static io.clgrad.cli.TrainCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.clgrad.TestDevices;
import io.clgrad.cli.TrainCommandTest.Run;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code clgrad train --devices}: data-parallel training on cpu + opencl:0 ends where training on
 * one device ends (same seed, same batches: the same final loss and accuracy to the printed
 * digits), the output names the devices, and bad lists are refused with the problem named.
 */
class TrainDevicesTest {
    private static final Pattern FINAL = Pattern.compile("final validation accuracy ([0-9.]+), loss ([0-9.]+)");

    @Test
    void twoDevicesEndWhereOneDeviceEnds() {
        assumeFalse(TestDevices.opencl().isEmpty(), "no OpenCL device");
        String[] common = {"train", "--samples", "400", "--epochs", "4", "--seed", "5"};
        Run one = run(concat(common, "--device", "cpu"));
        Run two = run(concat(common, "--devices", "cpu,opencl:0"));
        assertEquals(0, one.code(), one.err());
        assertEquals(0, two.code(), two.err());
        assertTrue(two.out().contains("devices: cpu ("), two.out());
        assertTrue(two.out().contains(", opencl:0 ("), two.out());
        assertTrue(two.out().contains(" on cpu+opencl:0; "), two.out());
        assertTrue(two.out().contains(" s  on cpu+opencl:0\n"), "the epoch line names the devices: " + two.out());
        Matcher a = FINAL.matcher(one.out());
        Matcher b = FINAL.matcher(two.out());
        assertTrue(a.find(), one.out());
        assertTrue(b.find(), two.out());
        assertEquals(a.group(1), b.group(1), "final accuracy, one device vs two:\n" + one.out() + "\n" + two.out());
        assertEquals(Double.parseDouble(a.group(2)), Double.parseDouble(b.group(2)), 2e-4,
                "final loss, one device vs two:\n" + one.out() + "\n" + two.out());
    }

    @Test
    void badDeviceListsAreRefused() {
        assertRefused(run("train", "--quiet", "--samples", "50", "--devices", "cpu,cpu"), 2,
                "--devices 'cpu,cpu': device cpu is named twice; each device holds one replica");
        assertRefused(run("train", "--quiet", "--samples", "50", "--devices", "cpu,"), 2,
                "--devices 'cpu,': an empty device name; expected a comma list such as cpu,opencl:0, or all");
        assertRefused(run("train", "--quiet", "--samples", "50", "--batch-size", "1", "--devices", "cpu,opencl:0"), 2,
                "--batch-size 1 is smaller than the 2 devices of --devices cpu,opencl:0: every device needs at least"
                        + " one sample per batch");
        assertRefused(run("train", "--quiet", "--samples", "50", "--device", "cpu", "--devices", "cpu"), 2,
                "--device and --devices exclude each other: give --devices cpu alone for one device, or a list for"
                        + " several");
    }

    /** 41 training samples in batches of 8: the last batch (1 sample) is skipped, not an error. */
    @Test
    void aLastBatchSmallerThanTheDeviceCountIsSkipped() {
        assumeFalse(TestDevices.opencl().isEmpty(), "no OpenCL device");
        Run r = run("train", "--samples", "51", "--batch-size", "8", "--epochs", "1", "--devices", "cpu,opencl:0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("data: two-moons, 41 training"), r.out());
        assertTrue(r.out().contains("done: 1 epoch(s)"), r.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
