package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.clgrad.backend.conformance.Family;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EJML's CheckMultiThreadAgainstSingleThread habit: every op of each OpenCL backend against its
 * twin, the Java CPU backend, on identical inputs, within twice the reference tolerance (each side
 * may be off by one bound). Random fills must agree exactly (uniform, int) or within 1e-5 (normal).
 *
 * <p>With no OpenCL device these run zero times; {@link OpenClRequiredTest} is what fails CI then.
 */
class CrossBackendTest {

    @ParameterizedTest(name = "{0} vs cpu: {1}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("io.clgrad.backend.Backends#nonCpuTimesFamilies")
    void opMatchesCpu(Backend b, Family family) {
        Checker.againstTwin(Backends.cpu(), b, family.cases());
    }

    @ParameterizedTest(name = "{0} vs cpu", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource(Backends.NON_CPU)
    void randomFillsMatchCpu(Backend b) {
        Backend cpu = Backends.cpu();
        int n = 100_003;
        long seed = 0x5EEDL;
        long offset = 1L << 33;
        float[] u0 = RandomFills.uniform(cpu, n, seed, offset, -2f, 2f);
        float[] u1 = RandomFills.uniform(b, n, seed, offset, -2f, 2f);
        int[] i0 = RandomFills.ints(cpu, n, seed, offset, -5, 1000);
        int[] i1 = RandomFills.ints(b, n, seed, offset, -5, 1000);
        float[] g0 = RandomFills.normal(cpu, n, seed, offset, 0f, 1f);
        float[] g1 = RandomFills.normal(b, n, seed, offset, 0f, 1f);
        for (int i = 0; i < n; i++) {
            int k = i;
            assertEquals(u0[i], u1[i], () -> "randomUniform[" + k + "] " + b.id() + " vs cpu");
            assertEquals(i0[i], i1[i], () -> "randomInt[" + k + "] " + b.id() + " vs cpu");
            if (!(Math.abs(g0[i] - g1[i]) <= 1e-5)) {
                fail("randomNormal[" + i + "] seed " + seed + " offset " + offset + ": " + b.id() + " gives "
                        + g1[i] + ", cpu " + g0[i] + " (|diff| > 1e-5)");
            }
        }
    }
}
