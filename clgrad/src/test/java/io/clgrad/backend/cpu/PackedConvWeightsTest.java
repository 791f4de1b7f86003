package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct convolution's kept packed weights: the layout (each channel's taps in its tile's
 * column, the last tile's missing channels zero), reuse only while the weights and their geometry
 * are the same, a repack after any in-place change, so a kept result is never stale, and the bound
 * on what is kept.
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
        cache.clear();
        assertNotSame(second, cache.packed(w, 64, 288, 8), "cleared: packed anew");
    }

    @Test
    void theSameFloatsSplitIntoOtherChannelsArePackedForThatSplit() {
        PackedConvWeights cache = new PackedConvWeights();
        float[] w = random(8 * 9, 5);                  // [8, 1, 3, 3] ...
        cache.packed(w, 8, 9, 4);
        assertArrayEquals(PackedConvWeights.pack(w, 4, 18, 4), cache.packed(w, 4, 18, 4));   // ... as [4, 2, 3, 3]
        assertThrows(IllegalArgumentException.class, () -> cache.packed(w, 9, 9, 4));
    }

    @Test
    void otherArraysWithTheSameValuesMoreWeightsThanAreKeptAndOversizedWeightsAreCorrect() {
        PackedConvWeights cache = new PackedConvWeights();
        float[] w = random(32 * 9, 3);
        assertArrayEquals(cache.packed(w, 32, 9, 8), cache.packed(w.clone(), 32, 9, 8));
        int many = PackedConvWeights.MAX_KEPT_FLOATS / (2 * 64 * 288) + 4;   // more than the budget holds
        float[][] ws = new float[many][];
        for (int i = 0; i < many; i++) {
            ws[i] = random(64 * 288, 10 + i);
            assertArrayEquals(PackedConvWeights.pack(ws[i], 64, 288, 8), cache.packed(ws[i], 64, 288, 8));
        }
        assertArrayEquals(PackedConvWeights.pack(ws[0], 64, 288, 8), cache.packed(ws[0], 64, 288, 8),
                "the least recently used, dropped, is packed again");
        float[] big = random(PackedConvWeights.MAX_KEPT_FLOATS / 4 + 8, 4);   // too big to keep: packed every call
        int cout = big.length / 8;
        assertNotSame(cache.packed(big, cout, 8, 8), cache.packed(big, cout, 8, 8));
    }

    private static float[] random(int n, long seed) {
        return DirectConvTest.uniform(new Random(seed), n);
    }
}
