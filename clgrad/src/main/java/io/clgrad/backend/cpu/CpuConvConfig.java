package io.clgrad.backend.cpu;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the CPU's convolutions run. {@code im2col} and {@code col2im} say how {@link CpuConv}'s patch
 * copies (strided, grouped and other convolutions the direct path does not take) split their work
 * over the worker threads: the contiguous chunks per thread of im2col's output rows (g, n, oh) and
 * of col2im's images, or 0 ("auto") for the split by work that every other CPU op uses
 * ({@link CpuParallel#forEach}: up to 4 chunks per thread). Fewer chunks mean fewer task
 * hand-overs and longer streams per task, more chunks even out threads slowed by other load.
 * {@code direct} is the forward tile of {@link DirectConv} (stride-1 convolutions, the CNN's):
 * 8 or 4 output channels per tile (its weight-gradient tile half as many), or 0 ("auto": with the
 * Vector API 8 for 16-float vectors, 4 for shorter ones, whose 16 registers the wide tile
 * overflows; the plain fallback's 8).
 * Syntax (the tuning file's {@code conv} key and {@code -Dclgrad.cpu.conv}):
 * {@code im2col=2,col2im=auto,direct=8}. Every choice gives the same bits, but for the direct
 * convolution's weight gradient when the output channels are not a multiple of the tile: its images
 * are summed in chunks whose size depends on the channels rounded up to the tile (the CNN's 32 and
 * 64 channels give the same bits under both tiles; others stay within the conformance tolerances).
 *
 * @param im2col chunks per thread for im2col, 0 = auto
 * @param col2im chunks per thread for col2im, 0 = auto
 * @param direct output channels per direct-convolution tile (4 or 8), 0 = auto
 */
record CpuConvConfig(int im2col, int col2im, int direct) {
    /** The built-in choice: both split by work, as before the conv kernels were tunable, the direct tile by vector width. */
    static final CpuConvConfig AUTO = new CpuConvConfig(0, 0, 0);
    /** The chunk counts the tuner tries, 0 = auto. */
    private static final int[] CHOICES = {0, 1, 2, 4, 8, 16};
    /** The direct tiles there are: output channels per forward tile. */
    private static final int[] DIRECT_TILES = {4, 8};

    /** The direct tile "auto" means with the Vector API on vectors of {@code lanes} floats: 8 for 16 or more, else 4. */
    static int autoDirectTile(int lanes) {
        return lanes >= 16 ? 8 : 4;
    }

    /** Patch-copy chunks only, the direct tile by vector width. */
    CpuConvConfig(int im2col, int col2im) {
        this(im2col, col2im, 0);
    }

    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException when a count is outside 0 to 64
     */
    CpuConvConfig {
        check("im2col", im2col);
        check("col2im", col2im);
        if (direct != 0 && direct != 4 && direct != 8) {
            throw new IllegalArgumentException("CPU conv configuration: direct = " + direct
                    + " is not a direct-convolution tile (4 or 8 output channels, or auto)");
        }
    }

    /** The configuration in the syntax {@link #parse} reads, e.g. {@code im2col=2,col2im=auto,direct=auto}. */
    String spec() {
        return "im2col=" + io.clgrad.backend.TuningFile.autoName(im2col) + ",col2im="
                + io.clgrad.backend.TuningFile.autoName(col2im) + ",direct=" + io.clgrad.backend.TuningFile.autoName(direct);
    }

    /**
     * Reads {@code key=value} pairs (keys im2col and col2im: a count 1 to 64 or "auto"; direct: 4, 8
     * or "auto") over {@code base}; keys left out keep base's values.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    static CpuConvConfig parse(String spec, CpuConvConfig base) {
        if (spec == null || spec.isBlank()) {
            return base;
        }
        int[] v = {base.im2col, base.col2im, base.direct};
        List<String> keys = List.of("im2col", "col2im", "direct");
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("CPU conv configuration: expected key=value, got '" + part.trim()
                        + "' in '" + spec + "'");
            }
            int i = keys.indexOf(kv[0].trim());
            if (i < 0) {
                throw new IllegalArgumentException("CPU conv configuration: unknown key '" + kv[0].trim()
                        + "' (known: im2col, col2im, direct)");
            }
            String value = kv[1].trim().toLowerCase(Locale.ROOT);
            try {
                v[i] = value.equals("auto") ? 0 : Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("CPU conv configuration: " + keys.get(i) + " is "
                        + (i == 2 ? "a tile of 4 or 8 output channels" : "a chunk count per thread") + " or 'auto', not '"
                        + kv[1].trim() + "'");
            }
        }
        return new CpuConvConfig(v[0], v[1], v[2]);
    }

    /**
     * What {@code clgrad tune} tries: every chunk count for im2col with col2im auto, then every one
     * for col2im with im2col auto ({@code quick}: auto, 1 and 4 only), then the pairs of 1 and 2,
     * then each direct tile with the copies on auto.
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
        for (int d : DIRECT_TILES) {
            out.add(new CpuConvConfig(0, 0, d));
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
