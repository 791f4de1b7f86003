package io.clgrad.backend.opencl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tunables of conv.cl ({@link ConvOps}): the work-group sizes of its 1-D launches,
 * {@code im2colWg} for im2col and {@code col2imWg} for col2im (one work-item per input pixel), or 0
 * ("auto") for the device's elementwise work-group size, as every other 1-D launch, each capped by
 * the kernel's limit and rounded down to its preferred multiple at launch
 * ({@link ClKernel#localSize}); and {@code im2colCpi}, the channels each im2col work-item copies
 * (conv.cl's {@code -DCONV_CPI}, 1 by default: a work-item per patch row and channel). Syntax (the
 * tuning file's {@value #KEY} key and {@code -D}{@value #PROPERTY}):
 * {@code im2colWg=64,col2imWg=auto,im2colCpi=4}. None changes a result: each work-item computes
 * its outputs alone, in the same way.
 *
 * @param im2colWg  im2col's work-group size, 0 = auto
 * @param col2imWg  col2im's work-group size, 0 = auto
 * @param im2colCpi channels per im2col work-item, 1 to 64
 */
record ClConvConfig(int im2colWg, int col2imWg, int im2colCpi) {
    /** The built-in choice: both at the device's elementwise work-group size. */
    static final ClConvConfig AUTO = new ClConvConfig(0, 0, 1);
    /** The key of the conv configuration in a device's tuning file (beside the matmul row's). */
    static final String KEY = "conv";
    /** The system property whose {@code key=value} overrides apply last. */
    static final String PROPERTY = "clgrad.opencl.conv";
    private static final int[] SIZES = {0, 16, 32, 64, 128, 256, 512, 1024};

    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException when a size is outside 1 to 4096 (or auto)
     */
    ClConvConfig {
        check("im2colWg", im2colWg);
        check("col2imWg", col2imWg);
        if (im2colCpi < 1 || im2colCpi > 64) {
            throw new IllegalArgumentException("OpenCL conv configuration: im2colCpi = " + im2colCpi
                    + " channels per work-item is outside 1 to 64");
        }
    }

    /** The configuration in the syntax {@link #parse} reads. */
    String spec() {
        return "im2colWg=" + io.clgrad.backend.TuningFile.autoName(im2colWg) + ",col2imWg=" + io.clgrad.backend.TuningFile.autoName(col2imWg) + ",im2colCpi=" + im2colCpi;
    }

    /**
     * Reads {@code key=value} pairs (im2colWg, col2imWg: a size or "auto"; im2colCpi: a count) over
     * {@code base}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    static ClConvConfig parse(String spec, ClConvConfig base) {
        if (spec == null || spec.isBlank()) {
            return base;
        }
        int[] v = {base.im2colWg, base.col2imWg, base.im2colCpi};
        List<String> keys = List.of("im2colWg", "col2imWg", "im2colCpi");
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            int i = kv.length == 2 ? keys.indexOf(kv[0].trim()) : -1;
            if (i < 0) {
                throw new IllegalArgumentException("OpenCL conv configuration: expected im2colWg=N, col2imWg=N "
                        + "(N a work-group size or auto) or im2colCpi=N, got '" + part.trim() + "'");
            }
            String value = kv[1].trim().toLowerCase(Locale.ROOT);
            try {
                v[i] = value.equals("auto") && i < 2 ? 0 : Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("OpenCL conv configuration: " + keys.get(i)
                        + (i < 2 ? " is a work-group size or 'auto'" : " is a channel count") + ", not '" + kv[1].trim()
                        + "'");
            }
        }
        return new ClConvConfig(v[0], v[1], v[2]);
    }

    /**
     * The built-in configuration, then what {@code clgrad tune} saved in {@code file} (ignored with a
     * warning naming the file when it does not parse), then the {@code property} overrides.
     *
     * @return the configuration and its source: "built-in", "tuned" or "override"
     * @throws IllegalArgumentException when {@code property} does not parse
     */
    static Resolved resolve(io.clgrad.backend.TuningFile file, String property) {
        return resolve(file, property, AUTO);
    }

    /**
     * As {@link #resolve(io.clgrad.backend.TuningFile, String)} over another built-in configuration
     * ({@link #builtIn} of the device).
     */
    static Resolved resolve(io.clgrad.backend.TuningFile file, String property, ClConvConfig builtIn) {
        io.clgrad.backend.TuningFile.Choice<ClConvConfig> c = file.choose(KEY, builtIn, ClConvConfig::parse, PROPERTY,
                property, "OpenCL conv");
        return new Resolved(c.config(), c.source(), c.from());
    }

    /**
     * The built-in configuration of a device kind: on CPU devices (PoCL) 8 channels per im2col
     * work-item (the CNN's 32→64 layer's im2col 1.45–1.65× faster than with 1, benchmarks.md "Conv
     * tuning (issue 12)"); elsewhere {@link #AUTO}, one channel per work-item, so that neighbouring
     * work-items of a GPU write neighbouring taps.
     */
    static ClConvConfig builtIn(io.clgrad.backend.DeviceKind kind) {
        return kind == io.clgrad.backend.DeviceKind.OPENCL_CPU ? new ClConvConfig(0, 0, 8) : AUTO;
    }

    /**
     * A resolved configuration and where it came from.
     *
     * @param config the configuration
     * @param source "built-in", "tuned" or "override"
     * @param from   for display: "built-in", "tuned: FILE" or "-Dclgrad.opencl.conv"
     */
    record Resolved(ClConvConfig config, String source, String from) {
        /** One line for {@code clgrad devices}, e.g. {@code "im2colWg=64,col2imWg=auto,im2colCpi=8 (tuned: FILE)"}. */
        String inUse() {
            return config.spec() + " (" + from + ")";
        }
    }

    /**
     * What {@code clgrad tune} tries (over {@link #AUTO}): each size for im2col with col2im auto, then each for col2im
     * ({@code quick}: auto, 64 and 256), sizes above {@code maxWg} left out; then 2, 4, 8 and 32
     * channels per im2col work-item ({@code quick}: 4 and 32).
     */
    static List<ClConvConfig> candidates(boolean quick, long maxWg) {
        Set<ClConvConfig> out = new LinkedHashSet<>();
        for (int wg : SIZES) {
            if (wg <= maxWg && (!quick || wg == 0 || wg == 64 || wg == 256)) {
                out.add(new ClConvConfig(wg, 0, 1));
                out.add(new ClConvConfig(0, wg, 1));
            }
        }
        for (int cpi : quick ? new int[] {4, 32} : new int[] {2, 4, 8, 32}) {
            out.add(new ClConvConfig(0, 0, cpi));
        }
        return new ArrayList<>(out);
    }

    private static void check(String key, int value) {
        if (value < 0 || value > 4096) {
            throw new IllegalArgumentException("OpenCL conv configuration: " + key + " = " + value
                    + " is outside 1 to 4096 (or auto)");
        }
    }
}
