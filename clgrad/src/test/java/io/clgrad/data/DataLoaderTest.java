package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DataLoaderTest {

    /** x[i] = {i, 100 + i} (float), y[i] = i (int32): every row says which sample it is. */
    static TensorDataset numbered(int n) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 100 + i;
            y[i] = i;
        }
        return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
    }

    /** The same samples, without host arrays (the generic path: per-sample tensors and the default collate). */
    static Dataset<Tensor[]> generic(TensorDataset d) {
        return new Dataset<>() {
            @Override
            public int size() {
                return d.size();
            }

            @Override
            public Tensor[] get(int index) {
                return d.get(index);
            }
        };
    }

    /** The sample ids of every batch of one epoch, checking field 0 agrees with field 1. */
    static List<int[]> ids(Iterable<Tensor[]> epoch) {
        List<int[]> out = new ArrayList<>();
        for (Tensor[] b : epoch) {
            assertEquals(2, b.length);
            assertEquals(DType.FLOAT32, b[0].dtype());
            assertEquals(DType.INT32, b[1].dtype());
            int[] y = b[1].toIntArray();
            float[] x = b[0].toFloatArray();
            assertArrayEquals(new int[] {y.length, 2}, b[0].shape());
            assertArrayEquals(new int[] {y.length}, b[1].shape());
            for (int i = 0; i < y.length; i++) {
                assertEquals(y[i], x[2 * i]);
                assertEquals(100 + y[i], x[2 * i + 1]);
            }
            out.add(y);
        }
        return out;
    }

    @Test
    void batchesInOrderWithoutShuffle() {
        DataLoader<Tensor[]> loader = DataLoader.builder(numbered(10)).batchSize(4).build();
        assertEquals(3, loader.numBatches());
        List<int[]> b = ids(loader);
        assertEquals(3, b.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, b.get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7}, b.get(1));
        assertArrayEquals(new int[] {8, 9}, b.get(2));      // the last partial batch is kept
    }

    @Test
    void dropLastDropsThePartialBatch() {
        DataLoader<Tensor[]> loader = DataLoader.builder(numbered(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, loader.numBatches());
        List<int[]> b = ids(loader);
        assertEquals(2, b.size());
        assertArrayEquals(new int[] {4, 5, 6, 7}, b.get(1));
        DataLoader<Tensor[]> exact = DataLoader.builder(numbered(8)).batchSize(4).dropLast(true).build();
        assertEquals(2, ids(exact).size());
        DataLoader<Tensor[]> tooSmall = DataLoader.builder(numbered(3)).batchSize(4).dropLast(true).build();
        assertEquals(0, tooSmall.numBatches());
        assertFalse(tooSmall.iterator().hasNext());
    }

    @Test
    void shuffleIsReproducibleFromSeedAndDiffersPerEpoch() {
        DataLoader<Tensor[]> a = DataLoader.builder(numbered(50)).batchSize(8).shuffle(true).seed(7).build();
        DataLoader<Tensor[]> b = DataLoader.builder(numbered(50)).batchSize(8).shuffle(true).seed(7).build();
        List<int[]> a0 = ids(a);
        List<int[]> a1 = ids(a);
        List<int[]> b0 = ids(b);
        List<int[]> b1 = ids(b);
        assertEquals(flat(a0), flat(b0), "same seed, same epoch 0");
        assertEquals(flat(a1), flat(b1), "same seed, same epoch 1");
        assertFalse(flat(a0).equals(flat(a1)), "epochs 0 and 1 differ");
        for (List<int[]> epoch : List.of(a0, a1)) {
            List<Integer> sorted = new ArrayList<>(flat(epoch));
            sorted.sort(null);
            assertEquals(range(50), sorted, "each epoch visits every sample once");
            assertEquals(2, epoch.get(6).length, "last partial batch kept");
        }
        assertFalse(flat(a0).equals(range(50)), "shuffled");
        DataLoader<Tensor[]> c = DataLoader.builder(numbered(50)).batchSize(8).shuffle(true).seed(8).build();
        assertFalse(flat(ids(c)).equals(flat(a0)), "another seed, another order");
        assertEquals(flat(a1), flat(ids(() -> b.iterator(1))), "iterator(epoch) replays an epoch");
    }

    @Test
    void multipleEpochsWithoutShuffleRepeat() {
        DataLoader<Tensor[]> loader = DataLoader.builder(numbered(7)).batchSize(3).build();
        for (int e = 0; e < 4; e++) {
            assertEquals(range(7), flat(ids(loader)));
        }
    }

    @Test
    void genericPathMatchesFastPath() {
        TensorDataset d = numbered(23);
        DataLoader<Tensor[]> fast = DataLoader.builder(d).batchSize(5).shuffle(true).seed(3).build();
        DataLoader<Tensor[]> slow = DataLoader.builder(generic(d)).batchSize(5).shuffle(true).seed(3).build();
        for (int e = 0; e < 2; e++) {
            assertEquals(flat(ids(fast)), flat(ids(slow)));
        }
    }

    @Test
    void subsetOfTensorDatasetUsesItsIndices() {
        Subset<Tensor[]> s = new Subset<>(new Subset<>(numbered(20), new int[] {19, 3, 5, 7, 11, 13}), new int[] {5, 0, 2});
        List<int[]> b = ids(DataLoader.builder(s).batchSize(2).build());
        assertArrayEquals(new int[] {13, 19}, b.get(0));
        assertArrayEquals(new int[] {5}, b.get(1));
    }

    @Test
    void datasetOfSingleTensorsGivesOneField() {
        Dataset<Tensor> d = new Dataset<>() {
            @Override
            public int size() {
                return 5;
            }

            @Override
            public Tensor get(int i) {
                return Tensor.of(new float[] {i, -i, 2 * i}, 3);
            }
        };
        List<Tensor[]> batches = new ArrayList<>();
        DataLoader.builder(d).batchSize(2).build().forEach(batches::add);
        assertEquals(3, batches.size());
        assertEquals(1, batches.get(0).length);
        assertArrayEquals(new int[] {2, 3}, batches.get(0)[0].shape());
        assertArrayEquals(new float[] {2, -2, 4, 3, -3, 6}, batches.get(1)[0].toFloatArray());
        assertArrayEquals(new int[] {1, 3}, batches.get(2)[0].shape());
    }

    @Test
    void scalarRowsStackToOneDimension() {
        TensorDataset d = new TensorDataset(Tensor.of(new float[] {1, 2, 3}, 3), Tensor.of(new int[] {4, 5, 6}, 3));
        Tensor[] s = d.get(1);
        assertArrayEquals(new int[0], s[0].shape());
        assertEquals(DType.INT32, s[1].dtype());
        assertEquals(5, s[1].item());
        for (Dataset<Tensor[]> ds : List.of(d, generic(d))) {
            Tensor[] b = DataLoader.builder(ds).batchSize(3).build().iterator().next();
            assertArrayEquals(new int[] {3}, b[0].shape());
            assertArrayEquals(new int[] {4, 5, 6}, b[1].toIntArray());
        }
    }

    @Test
    void customCollateIsUsed() {
        DataLoader<Tensor[]> loader = DataLoader.builder(numbered(6)).batchSize(4)
                .collate(samples -> new Tensor[] {Tensor.of(new float[] {samples.size()}, 1)}).build();
        List<Float> sizes = new ArrayList<>();
        for (Tensor[] b : loader) {
            sizes.add(b[0].item());
        }
        assertEquals(List.of(4f, 2f), sizes);
    }

    @Test
    void defaultCollateRejectsMismatchedShapes() {
        Dataset<Tensor> d = new Dataset<>() {
            @Override
            public int size() {
                return 2;
            }

            @Override
            public Tensor get(int i) {
                return Tensor.zeros(i + 1);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(d).batchSize(2).build().iterator().next());
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[1]"), e.getMessage());
    }

    @Test
    void defaultCollateNamesUnsupportedSamples() {
        Dataset<String> words = new Dataset<>() {
            @Override
            public int size() {
                return 2;
            }

            @Override
            public String get(int i) {
                return "w" + i;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(words).batchSize(2).build().iterator().next());
        assertTrue(e.getMessage().contains("java.lang.String") && e.getMessage().contains("collate(fn)"), e.getMessage());
        Tensor[] b = DataLoader.builder(words).batchSize(2)
                .collate(list -> new Tensor[] {Tensor.of(new float[] {list.get(0).length() + list.get(1).length()}, 1)})
                .build().iterator().next();
        assertEquals(4f, b[0].item());
    }

    @Test
    void builderValidates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataLoader.builder(numbered(3)).batchSize(0));
        assertEquals("batchSize must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(numbered(3)).prefetch(-1));
        DataLoader<Tensor[]> l = DataLoader.builder(numbered(3)).build();
        assertEquals(1, l.batchSize());
        assertEquals(Device.cpu(), l.device());
        assertEquals(3, l.dataset().size());
    }

    /** Regression (issue 9, item 4): {@code n + batchSize - 1} overflowed, giving 0 batches and a NaN loss. */
    @Test
    void batchSizeNearIntMaxGivesOneBatchOfEverySample() {
        DataLoader<Tensor[]> loader = DataLoader.builder(numbered(10)).batchSize(Integer.MAX_VALUE).build();
        assertEquals(1, loader.numBatches());
        List<int[]> batches = ids(loader);
        assertEquals(1, batches.size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, batches.get(0));
        assertEquals(0, DataLoader.builder(numbered(10)).batchSize(Integer.MAX_VALUE).dropLast(true).build()
                .numBatches());
    }

    /**
     * Regression (issue 9, item 4): stacking 64 samples of 2^25 values each ({@code n * rowSize =
     * 2^31}) wrapped to a negative array size; now a clear error naming the sizes. The samples are
     * broadcast views of one element, so the test needs no memory.
     */
    @Test
    void collateRefusesBatchesLargerThanOneTensor() {
        Tensor one = Tensor.zeros(1);
        Dataset<Tensor> wide = new Dataset<>() {
            @Override
            public int size() {
                return 64;
            }

            @Override
            public Tensor get(int index) {
                return one.expand(1 << 25);
            }
        };
        DataLoader<Tensor> loader = DataLoader.builder(wide).batchSize(64).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader.iterator().next());
        assertEquals("collate: 64 samples of shape [33554432] are 2147483648 values, more than one tensor holds"
                + " (2147483647); use a smaller batch size", e.getMessage());
    }

    /** Regression (issue 9, item 4): a row size of 2^32 wrapped to 0 and an empty array passed as [0, 65536, 65536]. */
    @Test
    void hostArrayRefusesRowSizesPastIntRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HostArray(new float[0], new int[] {0, 65536, 65536}));
        assertEquals("TensorDataset: shape [0, 65536, 65536] has rows of more than 2147483647 values (or a negative"
                + " size)", e.getMessage());
    }

    /** Batch counts of a (virtual) data set of two billion samples, where every sum passes 2^31. */
    @Test
    void batchCountOfHugeDatasetDoesNotOverflow() {
        Dataset<Tensor[]> huge = new Dataset<>() {
            @Override
            public int size() {
                return 2_000_000_000;
            }

            @Override
            public Tensor[] get(int index) {
                throw new UnsupportedOperationException("not read");
            }
        };
        assertEquals(2, DataLoader.builder(huge).batchSize(1_500_000_000).build().numBatches());
        assertEquals(1, DataLoader.builder(huge).batchSize(1_500_000_000).dropLast(true).build().numBatches());
        assertEquals(1, DataLoader.builder(huge).batchSize(Integer.MAX_VALUE).build().numBatches());
    }

    @Test
    void iteratorEndsCleanly() {
        BatchIterator it = DataLoader.builder(numbered(3)).batchSize(2).build().iterator();
        it.next();
        it.next();
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void prefetchGivesIdenticalBatchesOnCpu() {
        assertPrefetchEquivalent(Device.cpu());
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource("io.clgrad.TestDevices#opencl")
    void prefetchGivesIdenticalBatchesOnOpenCl(Device device) {
        assertPrefetchEquivalent(device);
    }

    private static void assertPrefetchEquivalent(Device device) {
        TensorDataset d = numbered(37);
        List<List<float[]>> runs = new ArrayList<>();
        for (int prefetch : new int[] {0, 3}) {
            for (Dataset<Tensor[]> ds : List.of(d, generic(d))) {
                DataLoader<Tensor[]> loader = DataLoader.builder(ds).batchSize(5).shuffle(true).seed(11)
                        .device(device).prefetch(prefetch).build();
                List<float[]> values = new ArrayList<>();
                for (int e = 0; e < 3; e++) {
                    for (Tensor[] b : loader) {
                        assertEquals(device, b[0].device());
                        assertEquals(device, b[1].device());
                        assertEquals(DType.INT32, b[1].dtype());
                        values.add(b[0].toFloatArray());
                        values.add(b[1].toFloatArray());
                    }
                }
                runs.add(values);
            }
        }
        for (List<float[]> run : runs.subList(1, runs.size())) {
            assertEquals(runs.get(0).size(), run.size());
            for (int i = 0; i < run.size(); i++) {
                assertArrayEquals(runs.get(0).get(i), run.get(i), "batch value list " + i);
            }
        }
    }

    @Test
    void prefetchThreadExceptionSurfacesWithCause() {
        Dataset<Tensor[]> failing = new Dataset<>() {
            @Override
            public int size() {
                return 10;
            }

            @Override
            public Tensor[] get(int i) {
                if (i == 6) {
                    throw new ArithmeticException("bad sample 6");
                }
                return new Tensor[] {Tensor.scalar(i)};
            }
        };
        BatchIterator it = DataLoader.builder(failing).batchSize(2).prefetch(2).build().iterator();
        it.next();
        it.next();
        it.next();
        IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
        assertTrue(e.getCause() instanceof ArithmeticException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains("batch 3"), e.getMessage());
        assertFalse(it.hasNext());
        // without prefetch the exception propagates unwrapped
        BatchIterator plain = DataLoader.builder(failing).batchSize(2).build().iterator();
        plain.next();
        plain.next();
        plain.next();
        assertThrows(ArithmeticException.class, plain::next);
    }

    @Test
    void closingStopsThePrefetchThread() throws InterruptedException {
        DataLoader<Tensor[]> loader = DataLoader.builder(numbered(1000)).batchSize(2).prefetch(2).build();
        Thread t;
        try (BatchIterator it = loader.iterator()) {
            it.next();
            t = it.prefetchThread();
            assertNotNull(t);
            assertTrue(t.isDaemon());
        }
        t.join(5000);
        assertFalse(t.isAlive(), "prefetch thread still running after close()");
    }

    @Test
    void abandonedIteratorDoesNotLeakItsThread() throws InterruptedException {
        DataLoader<Tensor[]> loader = DataLoader.builder(numbered(1000)).batchSize(2).prefetch(2).build();
        Thread t = startAndAbandon(loader);
        for (int i = 0; i < 100 && t.isAlive(); i++) {
            System.gc();
            Thread.sleep(100);
        }
        assertFalse(t.isAlive(), "prefetch thread of an unreachable iterator still running");
    }

    private static Thread startAndAbandon(DataLoader<Tensor[]> loader) {
        BatchIterator it = loader.iterator();
        it.next();
        Thread t = it.prefetchThread();
        assertTrue(t.isAlive() || t.getState() == Thread.State.TERMINATED);
        return t;
    }

    @Test
    void prefetchThreadEndsAfterTheEpoch() throws InterruptedException {
        BatchIterator it = DataLoader.builder(numbered(10)).batchSize(3).prefetch(8).build().iterator();
        Thread t = it.prefetchThread();
        int n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        assertEquals(4, n);
        t.join(5000);
        assertFalse(t.isAlive());
    }

    private static List<Integer> flat(List<int[]> batches) {
        List<Integer> out = new ArrayList<>();
        for (int[] b : batches) {
            for (int v : b) {
                out.add(v);
            }
        }
        return out;
    }

    private static List<Integer> range(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i);
        }
        return out;
    }
}
