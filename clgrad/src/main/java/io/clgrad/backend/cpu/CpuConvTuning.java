package io.clgrad.backend.cpu;

import io.clgrad.backend.TuningFile;
import org.slf4j.LoggerFactory;

/**
 * Which {@link CpuConvConfig} the CPU's convolutions run with ({@link CpuConv}'s patch copies and
 * {@link DirectConv}'s tile), and where it came from: the built-in one ({@link CpuConvConfig#AUTO}), replaced by what {@code clgrad tune} saved under key
 * {@value #KEY} in this CPU's tuning file (the GEMM's, {@link CpuGemmTuning#fileFor}), then
 * overridden key by key by {@code -D}{@value #PROPERTY} (e.g. {@code -Dclgrad.cpu.conv=im2col=1}).
 * A saved value that does not parse is ignored with a warning naming the file; a bad property is an
 * error.
 *
 * @param file   where {@code clgrad tune} keeps this machine's result
 * @param config the configuration in use
 * @param source where it came from: "built-in", "tuned" or "override"
 * @param from   the same for display: "built-in", "tuned: FILE" or "-Dclgrad.cpu.conv"
 */
record CpuConvTuning(TuningFile file, CpuConvConfig config, String source, String from) {
    /** The key of the conv configuration in a tuning file. */
    static final String KEY = "conv";
    /** The system property whose {@code key=value} overrides apply last. */
    static final String PROPERTY = "clgrad.cpu.conv";

    /**
     * The built-in configuration, then the saved one (ignored with a warning when it does not
     * parse), then the {@code property} overrides.
     *
     * @throws IllegalArgumentException when {@code property} does not parse
     */
    static CpuConvTuning resolve(TuningFile file, String property) {
        TuningFile.Choice<CpuConvConfig> c = file.choose(KEY, CpuConvConfig.AUTO, CpuConvConfig::parse, PROPERTY,
                property, "CPU conv");
        return new CpuConvTuning(file, c.config(), c.source(), c.from());
    }

    private static final java.util.Map<Integer, CpuConvTuning> BY_LANES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * This process's conv tuning for a vector width, resolved on first use: the tuning file of that
     * CPU model and width ({@link CpuGemmTuning#forLanes}) and the {@value #PROPERTY} property.
     *
     * @throws IllegalArgumentException when {@value #PROPERTY} does not parse
     */
    static CpuConvTuning forLanes(int lanes) {
        return BY_LANES.computeIfAbsent(lanes, l -> resolve(CpuGemmTuning.forLanes(l).file(),
                System.getProperty(PROPERTY, "")));
    }

    /**
     * The configuration a backend's convolutions take: the tuned one where the Vector API path runs
     * ({@code lanes > 0}; the tuning file is per vector width), else the built-in one; a bad
     * {@value #PROPERTY} is logged and the built-in one applies.
     */
    static CpuConvConfig configFor(int lanes) {
        if (lanes <= 0) {
            return CpuConvConfig.AUTO;
        }
        try {
            return forLanes(lanes).config();
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(CpuConvTuning.class).error("{}; the built-in CPU conv configuration applies",
                    e.getMessage());
            return CpuConvConfig.AUTO;
        }
    }

    /** One line for {@code clgrad devices}, e.g. {@code "im2col=2,col2im=auto,direct=auto (tuned: /home/u/...properties)"}. */
    String inUse() {
        return config.spec() + " (" + from + ")";
    }
}
