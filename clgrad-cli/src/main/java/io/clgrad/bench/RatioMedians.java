package io.clgrad.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The median of each ratio line over several runs of the bench ({@code clgrad bench --runs N}): the
 * machine is shared and noisy, so targets are judged on the median of three runs, not on one. It
 * reads the bench's output line by line; a ratio line belongs to the device of the {@code device:}
 * line above it.
 *
 * <pre>
 * median of 3 runs, opencl:0: ratio clgrad/pytorch simplenet batch=64: 2.10x (1.95x, 2.10x, 2.31x)
 * </pre>
 */
public final class RatioMedians {
    private static final Pattern DEVICE = Pattern.compile("^device: (\\S+)");
    private static final Pattern RATIO = Pattern.compile("^(ratio clgrad/\\S+ .+?): ([0-9.]+)x( \\(latency: lower is better\\))?$");

    private final Map<String, List<Double>> ratios = new LinkedHashMap<>();
    /** The keys of {@link #ratios} that are latency ratios (lower is better), whose median line says so. */
    private final java.util.Set<String> latencies = new java.util.HashSet<>();
    private String device = "?";

    /** Takes one output line of the bench; lines other than device and ratio lines are ignored. */
    public void accept(String line) {
        Matcher d = DEVICE.matcher(line);
        if (d.find()) {
            device = d.group(1);
            return;
        }
        Matcher r = RATIO.matcher(line);
        if (r.find()) {
            ratios.computeIfAbsent(device + ": " + r.group(1), k -> new ArrayList<>())
                    .add(Double.parseDouble(r.group(2)));
            if (r.group(3) != null) {
                latencies.add(device + ": " + r.group(1));
            }
        }
    }

    /**
     * One line per ratio seen, in the order first seen: its median over the runs that printed it
     * (the mean of the middle two for an even count) and every run's value.
     *
     * @param runs how many runs were made, for the line's label
     */
    public List<String> lines(int runs) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            StringBuilder each = new StringBuilder();
            for (double x : v) {
                each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2fx", x));
            }
            out.add(String.format(Locale.ROOT, "median of %d runs, %s: %.2fx (%s)", runs, e.getKey(), median(v), each)
                    + (latencies.contains(e.getKey()) ? " (latency: lower is better)" : ""));
        }
        return out;
    }

    /** The median of {@code v}: the middle value, or the mean of the middle two. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
