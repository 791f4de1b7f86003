package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clgrad.backend.conformance.CaseSize;
import io.clgrad.backend.conformance.Conformance;
import io.clgrad.backend.conformance.Family;
import io.clgrad.backend.conformance.OpCase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every micro-kernel of {@link VectorKernels} and every blocking the tuner may choose, through the
 * conformance tables: the matmul and addmm cases ({@link Family#MATMUL}, {@link Family#ADDMM}: odd
 * sizes below and between the tiles, transposes, batches, broadcasts, k across several kc blocks)
 * run on a CPU backend whose matmul always takes the Vector API path with that configuration, each
 * checked against the double-precision reference. Also the built-in choice and every candidate of
 * {@code clgrad tune} on this machine's register count. Needs {@code --add-modules
 * jdk.incubator.vector} (surefire gives it); skipped without it.
 */
class VectorGemmTilesTest {

    /** Every tile with a small kc, mc and nc (many blocks, edges inside each), and the first version's. */
    static Stream<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        for (int[] t : CpuGemmConfig.TILES) {
            out.add(Arguments.of(new CpuGemmConfig(t[0], t[1], 37, 3 * t[0] + 1, 100)));
        }
        out.add(Arguments.of(CpuGemmConfig.FIRST));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void everyTileMatchesTheReference(CpuGemmConfig config) {
        assertTrue(conforms(config, CaseSize.FULL) > 500);
    }

    /** The built-in configuration and each tuning candidate for this machine, on the quick tables. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("machineConfigs")
    void theBuiltInAndEveryCandidateMatchTheReference(CpuGemmConfig config) {
        assertTrue(conforms(config, CaseSize.QUICK) > 50);
    }

    static Stream<Arguments> machineConfigs() {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        CpuFacts f = CpuFacts.detect(VectorGemm.L);
        List<CpuGemmConfig> all = new ArrayList<>(CpuGemmConfig.candidates(f, false));
        all.add(0, CpuGemmConfig.builtIn(f));
        return all.stream().distinct().map(Arguments::of);
    }

    /** Runs the matmul and addmm tables under {@code config}; returns how many cases ran. */
    private static int conforms(CpuGemmConfig config, CaseSize size) {
        assumeTrue(CpuMatmul.vectorModulePresent(), "JVM started without --add-modules jdk.incubator.vector");
        try (CpuBackend be = new CpuBackend(2, config)) {
            List<OpCase> cases = new ArrayList<>(Family.MATMUL.cases(size));
            cases.addAll(Family.ADDMM.cases(size));
            Conformance.Report r = Conformance.againstReference(be, cases);
            assertTrue(r.passed(), r.describe(config.spec() + ": ", 5));
            return r.cases();
        }
    }
}
