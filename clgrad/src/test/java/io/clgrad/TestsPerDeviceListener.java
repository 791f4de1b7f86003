package io.clgrad;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Ends the test run with one line of tests per device, e.g.
 * {@code tests per device: cpu 900 passed, 0 failed, 2 skipped; opencl:0 880 passed, 0 failed, 0 skipped; ...},
 * counted from the display names of parameterised tests ({@code cpu}, {@code opencl:0}; a
 * {@code cpu-mutant} is not the cpu device). Tests named after no device are counted as
 * "no device". Registered through {@code META-INF/services}, so {@code mvn test} prints it; the line
 * is also written to {@code -Dclgrad.testsPerDevice=FILE} when set (CI shows that file).
 */
public final class TestsPerDeviceListener implements TestExecutionListener {
    private static final Pattern DEVICE = Pattern.compile("(?<![\\w-])(opencl:\\d+|cpu)(?![\\w:-])");
    private static final String NONE = "no device";

    private final Map<String, int[]> counts = new TreeMap<>((a, b) -> key(a).compareTo(key(b)));

    /** Used by {@link java.util.ServiceLoader}. */
    public TestsPerDeviceListener() {
    }

    private static String key(String device) {
        return device.equals("cpu") ? "0" : device.equals(NONE) ? "2" : "1" + device;
    }

    /** The device a test's display name names, or "no device". */
    static String deviceOf(String displayName) {
        Matcher m = DEVICE.matcher(displayName);
        return m.find() ? m.group(1) : NONE;
    }

    private static final int PASSED = 0;
    private static final int FAILED = 1;
    private static final int SKIPPED = 2;

    private synchronized void count(TestIdentifier id, int column) {
        counts.computeIfAbsent(deviceOf(id.getDisplayName()), k -> new int[3])[column]++;
    }

    /**
     * A test (static or dynamic) counts as passed, failed, or skipped when it was aborted (a failed
     * assumption). A container counts only when it did not succeed: its tests never ran, so a failed
     * container (e.g. a {@code @BeforeAll} that threw) counts as one failure and an aborted one (an
     * assumption in {@code @BeforeAll}) as one skip; a successful container's tests count themselves.
     */
    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        TestExecutionResult.Status status = result.getStatus();
        int column = status == TestExecutionResult.Status.SUCCESSFUL ? PASSED
                : status == TestExecutionResult.Status.ABORTED ? SKIPPED : FAILED;
        if (id.isTest() || column != PASSED) {
            count(id, column);
        }
    }

    /** A skipped test or container (e.g. a disabled test) counts as one skip: what it holds is never reported. */
    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        count(id, SKIPPED);
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan plan) {
        if (counts.isEmpty()) {
            return;
        }
        String line = "tests per device: " + summary();
        System.out.println(line);
        String file = System.getProperty("clgrad.testsPerDevice");
        if (file != null && !file.isBlank()) {
            try {
                Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("could not write " + file + ": " + e);
            }
        }
    }

    /** "cpu 3 passed, 0 failed, 1 skipped; opencl:0 ..." (for tests of this class). */
    synchronized String summary() {
        StringBuilder sb = new StringBuilder();
        counts.forEach((device, c) -> sb.append(sb.length() == 0 ? "" : "; ").append(String.format(
                "%s %d passed, %d failed, %d skipped", device, c[0], c[1], c[2])));
        return sb.toString();
    }
}
