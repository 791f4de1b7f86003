package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuning steps both backends' tuners share ({@link TunerRuns}): the reference check catches a
 * wrong product, the run picks the fastest working candidate, reports a candidate equal to the
 * current configuration as the current one, skips failures, saves under its key, and fails when
 * nothing works.
 */
class TunerRunsTest {

    @Test
    void theCheckAcceptsAPlainProductAndNamesTheFirstWrongElement() {
        assertNull(TunerRuns.checkMatmul(TunerRunsTest::plain));
        String bad = TunerRuns.checkMatmul((spec, a, b) -> {
            float[] c = plain(spec, a, b);
            if (spec.aColStride() != 1) {
                c[c.length - 1] += 0.5f; // wrong only when A is transposed, in the last element
            }
            return c;
        });
        assertTrue(bad != null && bad.startsWith("wrong result for 37x67x29 (A transposed) at [36, 66]: "), bad);
    }

    @Test
    void theFastestWorkingCandidateIsSavedUnderItsKey(@TempDir Path dir) throws Exception {
        TuningFile file = TuningFile.at(dir.resolve("tuning").resolve("t.properties"));
        Map<String, Double> speed = Map.of("cur", 10.0, "a", 5.0, "b", 30.0, "c", 20.0);
        Map<String, String> candidates = new LinkedHashMap<>();
        for (String c : List.of("a", "b", "broken", "c")) {
            candidates.put("label-" + c, c);
        }
        List<String> seen = new ArrayList<>();
        Tuner.Result r = TunerRuns.run("dev", "cur", candidates, (c, label) -> c.equals("broken")
                        ? new Tuner.Candidate(label, c, Double.NaN, "does not build")
                        : new Tuner.Candidate(label, c, speed.get(c), null),
                c -> seen.add(c.label()), file, "gemm", true, 64);
        assertEquals(List.of("label-a", "label-b", "label-broken", "label-c"), seen);
        assertEquals("b", r.best().config());
        assertEquals(30.0, r.best().gflops());
        assertEquals(10.0, r.current().gflops());
        assertEquals(4, r.all().size());
        assertTrue(r.saved());
        assertEquals("b", file.value("gemm"));
        assertEquals(file.path(), r.file());

        // a candidate that is the current configuration and measures fastest: "the current one"
        Tuner.Result same = TunerRuns.run("dev", "b", Map.of("label-b", "b", "label-a", "a"),
                (c, label) -> new Tuner.Candidate(label, c, label.equals("current") ? 25.0 : speed.get(c), null),
                c -> { }, file, "gemm", false, 64);
        assertSame(same.current(), same.best());
        assertEquals(30.0, same.best().gflops());
        assertFalse(same.saved());

        IllegalStateException none = assertThrows(IllegalStateException.class, () -> TunerRuns.run("dev", "x",
                Map.of("y", "y"), (c, label) -> new Tuner.Candidate(label, c, Double.NaN, "broken"), c -> { }, file,
                "gemm", false, 64));
        assertEquals("dev: no configuration worked; see the errors above", none.getMessage());
    }

    private static float[] plain(MatmulSpec s, float[] a, float[] b) {
        float[] c = new float[s.m() * s.n()];
        for (int i = 0; i < s.m(); i++) {
            for (int j = 0; j < s.n(); j++) {
                double sum = 0;
                for (int p = 0; p < s.k(); p++) {
                    sum += a[i * s.aRowStride() + p * s.aColStride()] * b[p * s.bRowStride() + j * s.bColStride()];
                }
                c[i * s.n() + j] = (float) sum;
            }
        }
        return c;
    }
}
