package io.clgrad.backend.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.PoolSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the pooling reference itself: its window-counting output size equals
 * {@link PoolSpec#outputSize} (PyTorch's formula) over a grid of geometries, and its gradients are
 * the adjoints of its forwards (average pooling is linear; max pooling is linear in x once the
 * indices are fixed).
 */
class RefPoolTest {

    @Test
    void countedOutputSizeEqualsPyTorchsFormula() {
        int checked = 0;
        for (int in = 1; in <= 12; in++) {
            for (int k = 1; k <= 6; k++) {
                for (int p = 0; p <= k / 2; p++) {
                    for (int s = 1; s <= 4; s++) {
                        for (int d = 1; d <= 3; d++) {
                            for (boolean ceil : new boolean[] {false, true}) {
                                long formula = PoolSpec.outputSize(in, k, p, s, d, ceil);
                                if (formula < 1) {
                                    continue;
                                }
                                assertEquals(formula, RefPool.outSize(in, k, p, s, d, ceil),
                                        "in=" + in + " k=" + k + " p=" + p + " s=" + s + " d=" + d + " ceil=" + ceil);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 2500, "geometries checked: " + checked);
    }

    @Test
    void gradientsAreTheAdjointsOfTheForwards() {
        Random r = new Random(7);
        for (PoolCases.Geo g : PoolCases.geometries()) {
            if (g.numel() > 10_000) {
                continue;
            }
            float[] x = Inputs.uniform(r, g.numel(), -1, 1);
            PoolSpec max = g.max();
            int[] idx = RefPool.indices(max, x);
            float[] gout = Inputs.uniform(r, idx.length, -1, 1);
            double[] gin = RefPool.maxBackward(max, gout, idx).value();
            double lhs = 0;
            int plane = g.h() * g.w();
            int outPlane = idx.length / g.planes();
            for (int o = 0; o < idx.length; o++) {
                lhs += gout[o] * (double) x[(o / outPlane) * plane + idx[o]];
            }
            assertEquals(lhs, dot(gin, x), 1e-9, "max " + g.name());
            if (g.dilated()) {
                continue;
            }
            for (boolean cip : new boolean[] {true, false}) {
                PoolSpec avg = g.avg(cip, 0);
                double[] y = RefPool.avg(avg, x).value();
                float[] ga = Inputs.uniform(r, y.length, -1, 1);
                assertEquals(dot(y, ga), dot(RefPool.avgBackward(avg, ga).value(), x), 1e-9,
                        "avg " + g.name() + " count_include_pad=" + cip);
            }
        }
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
