package io.clgrad.backend.cpu;

import io.clgrad.backend.TuningFile;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@link CpuGemmConfig} {@link VectorGemm} runs with on this machine, and where it came from:
 * the built-in choice for the CPU ({@link CpuGemmConfig#builtIn}), replaced by what
 * {@code clgrad tune} saved for this CPU model and vector width (key {@value #KEY} of a
 * {@link TuningFile} named after the model), then overridden field by field by the system property
 * {@value #PROPERTY} (e.g. {@code -Dclgrad.cpu.gemm=tile=4x2,kc=256,mc=128,nc=1024}, the first
 * version's configuration). Resolved once per process and vector width; a saved file that does not
 * parse is ignored with a warning naming it.
 *
 * @param facts   the machine
 * @param file    where {@code clgrad tune} keeps this machine's result
 * @param config  the configuration in use
 * @param source  where it came from: "built-in", "tuned" or "override"
 */
record CpuGemmTuning(CpuFacts facts, TuningFile file, CpuGemmConfig config, String source) {
    /** The key of the CPU GEMM's configuration in a tuning file. */
    static final String KEY = "gemm";
    /** The system property whose {@code key=value} overrides apply last. */
    static final String PROPERTY = "clgrad.cpu.gemm";

    private static final Map<Integer, CpuGemmTuning> BY_LANES = new ConcurrentHashMap<>();

    /**
     * This process's tuning for a vector width, resolved on first use.
     *
     * @throws IllegalArgumentException when {@value #PROPERTY} does not parse
     */
    static CpuGemmTuning forLanes(int lanes) {
        return BY_LANES.computeIfAbsent(lanes, l -> {
            CpuFacts f = CpuFacts.detect(l);
            return resolve(f, fileFor(f), System.getProperty(PROPERTY, ""));
        });
    }

    /** The tuning file of a CPU model and vector width (null path when the cache is disabled). */
    static TuningFile fileFor(CpuFacts f) {
        return TuningFile.forDevice("cpu " + f.model() + " " + f.lanes() * 32 + "bit",
                List.of("java cpu gemm", f.model(), f.arch(), Integer.toString(f.lanes())));
    }

    /**
     * The built-in configuration, then the saved one (ignored with a warning when it does not
     * parse), then the {@code property} overrides.
     *
     * @throws IllegalArgumentException when {@code property} does not parse
     */
    static CpuGemmTuning resolve(CpuFacts f, TuningFile file, String property) {
        TuningFile.Choice<CpuGemmConfig> c = file.choose(KEY, CpuGemmConfig.builtIn(f), CpuGemmConfig::parse,
                PROPERTY, property, "CPU GEMM");
        return new CpuGemmTuning(f, file, c.config(), c.source());
    }

    /**
     * The configuration saved in {@code file}, applied to {@code base}.
     *
     * @return it, or null when nothing is saved
     * @throws IllegalArgumentException naming the file when its value does not parse
     */
    static CpuGemmConfig saved(TuningFile file, CpuGemmConfig base) {
        return file.parsed(KEY, v -> CpuGemmConfig.parse(v, base));
    }

    /**
     * One line for {@code clgrad devices}: the configuration, where it came from and the machine, e.g.
     * {@code "tile=8x3,kc=128,mc=1020,nc=4096 (built-in; AMD EPYC, AVX-512: 16 floats/vector, ...)"}
     * or {@code "... (tuned: /home/u/.cache/clgrad/tuning/cpu-amd-epyc-512bit-....properties; ...)"}.
     */
    String inUse() {
        String from = switch (source) {
            case "tuned" -> "tuned: " + file.path();
            case "override" -> "-D" + PROPERTY;
            default -> source;
        };
        return config.spec() + " (" + from + "; " + facts.describe() + ")";
    }
}
