package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * LayerNorm, GroupNorm, Embedding, ConvTranspose2d, Unflatten, ModuleList and ModuleDict as modules:
 * PyTorch's parameter shapes and initialisation (checked by statistics for the random ones), the
 * containers' list and map operations, Unflatten's inferred size and errors. The golden test
 * compares print formats, state-dict keys and numbers with PyTorch.
 */
class NnModulesTest {

    @Test
    void embeddingInitIsStandardNormalWithThePaddingRowZero() {
        Tensor.manualSeed(5);
        Embedding e = new Embedding(400, 50, -2);
        assertEquals(new EmbeddingOptions(400, 50, 398), e.options());   // -2 counts from the end
        float[] w = e.weight().toFloatArray();
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < w.length; i++) {
            if (i / 50 == 398) {
                assertEquals(0f, w[i], "padding row");
            } else {
                sum += w[i];
                sumSq += (double) w[i] * w[i];
            }
        }
        int n = w.length - 50;
        assertEquals(0, sum / n, 0.03, "mean of N(0, 1)");
        assertEquals(1, sumSq / n, 0.03, "variance of N(0, 1)");
        assertThrows(IllegalArgumentException.class, () -> new Embedding(4, 2, 4));
    }

    @Test
    void convTransposeWeightIsInOutOverGroupsWithPyTorchsBound() {
        Tensor.manualSeed(6);
        ConvTranspose2d c = new ConvTranspose2d(16, 8, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, 2,
                true, new int[] {1}, io.clgrad.Device.cpu());
        assertArrayEquals(new int[] {16, 4, 3, 3}, c.weight().shape());
        assertArrayEquals(new int[] {8}, c.bias().shape());
        double bound = 1 / Math.sqrt(4 * 9);   // fan-in from the weight's dim 1: out_channels/groups · kH · kW
        double max = 0;
        for (float v : c.weight().toFloatArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > 0.97 * bound, "weight bound " + max + " vs " + bound);
        assertArrayEquals(new int[] {2, 8, 14, 14}, c.forward(Tensor.randn(2, 16, 7, 7)).shape());
    }

    @Test
    void normsStartAsIdentityAffine() {
        LayerNorm ln = new LayerNorm(3, 4);
        assertArrayEquals(new int[] {3, 4}, ln.weight().shape());
        assertArrayEquals(new float[12], ln.bias().toFloatArray());
        GroupNorm gn = new GroupNorm(2, 6);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, gn.weight().toFloatArray());
        assertEquals(List.of("weight", "bias"), List.copyOf(gn.stateDict().keySet()));
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 6));
        assertTrue(new LayerNorm(new int[] {5}, 1e-5, false, io.clgrad.Device.cpu()).stateDict().isEmpty());
    }

    @Test
    void unflattenInfersOneSizeAndNamesBadSizes() {
        Unflatten u = new Unflatten(-1, 2, -1);
        assertArrayEquals(new int[] {3, 2, 4}, u.forward(Tensor.zeros(3, 8)).shape());
        String m = assertThrows(IllegalArgumentException.class, () -> new Unflatten(1, 3, 3).forward(Tensor.zeros(2, 8)))
                .getMessage();
        assertTrue(m.contains("don't multiply up to the size of dim 1 (8)"), m);
    }

    @Test
    void moduleListIndexesIteratesAndReplaces() {
        Linear a = new Linear(2, 2);
        ReLU r = new ReLU();
        ModuleList list = new ModuleList(a, r);
        assertEquals(2, list.size());
        assertSame(r, list.get(-1));
        List<Module<?>> seen = new ArrayList<>();
        list.forEach(seen::add);
        assertEquals(List.of(a, r), seen);
        Linear b = new Linear(2, 3);
        list.set(1, b).append(new ReLU());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(list.stateDict().keySet()));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(3));
        assertThrows(UnsupportedOperationException.class, () -> list.forward(Tensor.zeros(1, 2)));
    }

    @Test
    void moduleDictKeepsInsertionOrder() {
        Map<String, Module<?>> m = new LinkedHashMap<>();
        m.put("z", new Linear(1, 1, false));
        m.put("a", new ReLU());
        ModuleDict d = new ModuleDict(m).put("m", new Linear(1, 2));
        assertEquals(List.of("z", "a", "m"), d.keys());
        assertTrue(d.containsKey("a"));
        assertEquals(List.of("z.weight", "m.weight", "m.bias"), List.copyOf(d.stateDict().keySet()));
        assertThrows(java.util.NoSuchElementException.class, () -> d.get("q"));
        assertThrows(IllegalArgumentException.class, () -> d.put("a.b", new ReLU()));
    }
}
