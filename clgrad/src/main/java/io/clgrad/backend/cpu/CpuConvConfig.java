package io.clgrad.backend.cpu;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How {@link CpuConv}'s patch copies split their work over the worker threads: {@code im2col} and
 * {@code col2im} are the contiguous chunks per thread of im2col's output rows (g, n, oh) and of
 * col2im's images, or 0 ("auto") for the split by work that every other CPU op uses
 * ({@link CpuParallel#forEach}: up to 4 chunks per thread). Fewer chunks mean fewer task
 * hand-overs and longer streams per task, more chunks even out threads slowed by other load.
 * Syntax (the tuning file's {@code conv} key and {@code -Dclgrad.cpu.conv}):
 * {@code im2col=2,col2im=auto}; both chunk counts give the same bits (a copy, and col2im's sums
 * stay inside one image).
 *
 * @param im2col chunks per thread for im2col, 0 = auto
 * @param col2im chunks per thread for col2im, 0 = auto
 */
record CpuConvConfig(int im2col, int col2im) {
    /** The built-in choice: both split by work, as before the conv kernels were tunable. */
    static final CpuConvConfig AUTO = new CpuConvConfig(0, 0);
    /** The chunk counts the tuner tries, 0 = auto. */
    private static final int[] CHOICES = {0, 1, 2, 4, 8, 16};

    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException when a count is outside 0 to 64
     */
    CpuConvConfig {
        check("im2col", im2col);
        check("col2im", col2im);
    }

    /** The configuration in the syntax {@link #parse} reads, e.g. {@code im2col=2,col2im=auto}. */
    String spec() {
        return "im2col=" + io.clgrad.backend.TuningFile.autoName(im2col) + ",col2im=" + io.clgrad.backend.TuningFile.autoName(col2im);
    }

    /**
     * Reads {@code key=value} pairs (keys im2col and col2im; values a count 1 to 64 or "auto") over
     * {@code base}; keys left out keep base's values.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    static CpuConvConfig parse(String spec, CpuConvConfig base) {
        if (spec == null || spec.isBlank()) {
            return base;
        }
        int[] v = {base.im2col, base.col2im};
        List<String> keys = List.of("im2col", "col2im");
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("CPU conv configuration: expected key=value, got '" + part.trim()
                        + "' in '" + spec + "'");
            }
            int i = keys.indexOf(kv[0].trim());
            if (i < 0) {
                throw new IllegalArgumentException("CPU conv configuration: unknown key '" + kv[0].trim()
                        + "' (known: im2col, col2im)");
            }
            String value = kv[1].trim().toLowerCase(Locale.ROOT);
            try {
                v[i] = value.equals("auto") ? 0 : Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("CPU conv configuration: " + keys.get(i)
                        + " is a chunk count per thread or 'auto', not '" + kv[1].trim() + "'");
            }
        }
        return new CpuConvConfig(v[0], v[1]);
    }

    /**
     * What {@code clgrad tune} tries: every chunk count for im2col with col2im auto, then every one
     * for col2im with im2col auto ({@code quick}: auto, 1 and 4 only), then the pairs of 1 and 2.
     */
    static List<CpuConvConfig> candidates(boolean quick) {
        Set<CpuConvConfig> out = new LinkedHashSet<>();
        for (int c : CHOICES) {
            if (!quick || c == 0 || c == 1 || c == 4) {
                out.add(new CpuConvConfig(c, 0));
                out.add(new CpuConvConfig(0, c));
            }
        }
        if (!quick) {
            out.add(new CpuConvConfig(1, 1));
            out.add(new CpuConvConfig(2, 2));
        }
        return new ArrayList<>(out);
    }

    private static void check(String key, int value) {
        if (value < 0 || value > 64) {
            throw new IllegalArgumentException("CPU conv configuration: " + key + " = " + value
                    + " chunks per thread is outside 1 to 64 (or auto)");
        }
    }
}
