package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.DType;
import io.clgrad.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetsTest {

    @Test
    void tensorDatasetRowsAndDtypes() {
        TensorDataset d = new TensorDataset(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2), Tensor.of(new int[] {7, 8, 9}, 3));
        assertEquals(3, d.size());
        assertEquals(2, d.numFields());
        Tensor[] row = d.get(2);
        assertArrayEquals(new int[] {2}, row[0].shape());
        assertArrayEquals(new float[] {5, 6}, row[0].toFloatArray());
        assertEquals(DType.INT32, row[1].dtype());
        assertArrayEquals(new int[0], row[1].shape());
        assertEquals(9, row[1].toIntArray()[0]);
        Tensor[] all = d.tensors();
        assertArrayEquals(new int[] {3, 2}, all[0].shape());
        assertArrayEquals(new int[] {7, 8, 9}, all[1].toIntArray());
        assertThrows(IndexOutOfBoundsException.class, () -> d.get(3));
    }

    @Test
    void tensorDatasetKeepsHostCopies() {
        float[] x = {1, 2};
        Tensor t = Tensor.of(x, 2);
        TensorDataset d = new TensorDataset(t);
        t.close();
        assertEquals(2f, d.get(1)[0].item());
    }

    @Test
    void tensorDatasetSizeMismatchNamesShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.zeros(4, 2), Tensor.zeros(5)));
        assertTrue(e.getMessage().contains("[4, 2]") && e.getMessage().contains("[5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset());
    }

    @Test
    void randomSplitSizesLikePyTorch() {
        assertArrayEquals(new int[] {3, 3, 4}, sizes(10, 0.3, 0.3, 0.4));
        // floor(10 * 0.25) = 2 each, remainder 2 goes round-robin to parts 0 and 1
        assertArrayEquals(new int[] {3, 3, 2, 2}, sizes(10, 0.25, 0.25, 0.25, 0.25));
        assertArrayEquals(new int[] {8, 3}, sizes(11, 0.7, 0.3));
        assertArrayEquals(new int[] {0, 5}, sizes(5, 0, 1));
        // the sizes alone, as the CLI uses them for the fewest samples of an 80/20 split
        assertArrayEquals(sizes(11, 0.7, 0.3), Datasets.splitSizes(11, new double[] {0.7, 0.3}));
        assertArrayEquals(new int[] {4, 0}, Datasets.splitSizes(4, new double[] {0.8, 0.2}));
        assertArrayEquals(new int[] {4, 1}, Datasets.splitSizes(5, new double[] {0.8, 0.2}));
        assertThrows(IllegalArgumentException.class, () -> Datasets.splitSizes(5, new double[] {0.8, 0.3}));
        assertThrows(IllegalArgumentException.class, () -> Datasets.splitSizes(-1, new double[] {1}));
    }

    private static int[] sizes(int n, double... fractions) {
        List<Subset<Tensor[]>> parts = Datasets.randomSplit(DataLoaderTest.numbered(n), fractions, 1);
        return parts.stream().mapToInt(Subset::size).toArray();
    }

    @Test
    void randomSplitIsDisjointCompleteAndSeeded() {
        TensorDataset d = DataLoaderTest.numbered(100);
        List<Subset<Tensor[]>> parts = Datasets.randomSplit(d, new double[] {0.8, 0.2}, 42);
        Set<Integer> seen = new HashSet<>();
        for (Subset<Tensor[]> p : parts) {
            for (int i : p.indices()) {
                assertTrue(seen.add(i), "index " + i + " in two parts");
            }
        }
        assertEquals(100, seen.size());
        assertEquals(80, parts.get(0).size());
        assertEquals(parts.get(1).indices()[0], parts.get(1).get(0)[1].toIntArray()[0]);
        List<Subset<Tensor[]>> again = Datasets.randomSplit(d, new double[] {0.8, 0.2}, 42);
        assertArrayEquals(parts.get(0).indices(), again.get(0).indices());
        List<Subset<Tensor[]>> other = Datasets.randomSplit(d, new double[] {0.8, 0.2}, 43);
        assertTrue(!java.util.Arrays.equals(parts.get(0).indices(), other.get(0).indices()));
    }

    @Test
    void randomSplitRejectsBadFractions() {
        TensorDataset d = DataLoaderTest.numbered(10);
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(d, new double[] {0.5, 0.4}, 0));
        assertThrows(IllegalArgumentException.class, () -> Datasets.randomSplit(d, new double[] {1.5, -0.5}, 0));
    }

    @Test
    void subsetChecksIndices() {
        TensorDataset d = DataLoaderTest.numbered(5);
        Subset<Tensor[]> s = new Subset<>(d, new int[] {4, 1});
        assertEquals(2, s.size());
        assertEquals(1, s.get(1)[1].toIntArray()[0]);
        assertThrows(IndexOutOfBoundsException.class, () -> new Subset<>(d, new int[] {5}));
        assertThrows(IndexOutOfBoundsException.class, () -> s.get(2));
    }

    @Test
    void concatDatasetChainsParts() {
        TensorDataset a = DataLoaderTest.numbered(3);
        TensorDataset empty = new TensorDataset(Tensor.zeros(0, 2), Tensor.of(new int[0], 0));
        Subset<Tensor[]> b = new Subset<>(DataLoaderTest.numbered(10), new int[] {9, 8});
        ConcatDataset<Tensor[]> c = new ConcatDataset<>(List.of(a, empty, b));
        assertEquals(5, c.size());
        int[] ids = new int[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = c.get(i)[1].toIntArray()[0];
        }
        assertArrayEquals(new int[] {0, 1, 2, 9, 8}, ids);
        assertThrows(IndexOutOfBoundsException.class, () -> c.get(5));
        // batches across the boundary go through the default collate
        List<Tensor[]> batches = new java.util.ArrayList<>();
        DataLoader.builder(c).batchSize(4).build().forEach(batches::add);
        assertArrayEquals(new int[] {0, 1, 2, 9}, batches.get(0)[1].toIntArray());
    }
}
