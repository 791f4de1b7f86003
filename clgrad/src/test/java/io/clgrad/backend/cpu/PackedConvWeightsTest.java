package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct convolution's kept packed weights: the layout (each channel's taps in its tile's
 * column, the last tile's missing channels zero), reuse only while the weights are the same float
 * for float, and a repack after any in-place change, so a cached result is never stale.
 */
class PackedConvWeightsTest {

    @Test
    void theLayoutPutsEachChannelsTapsInItsTilesColumn() {
        int cout = 11;
        int taps = 5;
        int r = 4;
        float[] w = random(cout * taps, 1);
        float[] p = new PackedConvWeights().packed(w, cout, taps, r);
        assertEquals(3 * taps * r, p.length);
        for (int co = 0; co < 12; co++) {
            for (int t = 0; t < taps; t++) {
                float want = co < cout ? w[co * taps + t] : 0f;
                assertEquals(want, p[((co / r) * taps + t) * r + co % r], "channel " + co + " tap " + t);
            }
        }
    }

    @Test
    void theSameWeightsReuseTheirPackingAndAChangedWeightIsRepacked() {
        PackedConvWeights cache = new PackedConvWeights();
        float[] w = random(64 * 288, 2);
        float[] first = cache.packed(w, 64, 288, 8);
        assertSame(first, cache.packed(w, 64, 288, 8), "unchanged weights: the kept packing");
        w[5 * 288 + 17] += 1f;   // an optimizer step's in-place write to one weight
        float[] second = cache.packed(w, 64, 288, 8);
        assertNotSame(first, second);
        assertEquals(w[5 * 288 + 17], second[(0 * 288 + 17) * 8 + 5], "the changed weight in the new packing");
        assertEquals(w[5 * 288 + 17] - 1f, first[(0 * 288 + 17) * 8 + 5], "a caller still holding the old one keeps it");
        float[] otherTile = cache.packed(w, 64, 288, 4);
        assertEquals(w[5 * 288 + 17], otherTile[(1 * 288 + 17) * 4 + 1], "another tile width packs anew");
    }

    @Test
    void anotherArrayWithTheSameValuesAndManyWeightsAreCorrectToo() {
        PackedConvWeights cache = new PackedConvWeights();
        float[] w = random(32 * 9, 3);
        float[] copy = w.clone();
        float[] a = cache.packed(w, 32, 9, 8);
        float[] b = cache.packed(copy, 32, 9, 8);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        for (int i = 0; i < PackedConvWeights.MAX_ENTRIES + 3; i++) {   // more weights than are kept
            float[] v = random(16 * 9, 10 + i);
            assertEquals(java.util.Arrays.toString(PackedConvWeights.pack(v, 16, 9, 8)),
                    java.util.Arrays.toString(cache.packed(v, 16, 9, 8)));
        }
        float[] big = random(PackedConvWeights.MAX_FLOATS + 8, 4);   // too big to keep: packed every call
        int cout = big.length / 8;
        assertNotSame(cache.packed(big, cout, 8, 8), cache.packed(big, cout, 8, 8));
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }
}
