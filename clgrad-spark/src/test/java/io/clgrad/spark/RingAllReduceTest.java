package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ring all-reduce between ranks run as threads over loopback sockets, against a plain sum. */
class RingAllReduceTest {

    /** Runs {@code body} on {@code n} connected ranks, one thread each; returns each rank's result. */
    private static List<float[]> onRing(int n, List<float[]> inputs, int calls) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocket s = RingAllReduce.listen();
            servers.add(s);
            addresses.add(new InetSocketAddress("127.0.0.1", s.getLocalPort()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<float[]>> out = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                out.add(pool.submit(() -> {
                    try (RingAllReduce ring = RingAllReduce.connect(rank, addresses, servers.get(rank), 20_000, () -> false)) {
                        float[] v = inputs.get(rank).clone();
                        for (int c = 0; c < calls; c++) {
                            ring.allReduce(v);
                        }
                        return v;
                    }
                }));
            }
            List<float[]> results = new ArrayList<>();
            for (Future<float[]> f : out) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
            for (ServerSocket s : servers) {
                s.close();
            }
        }
    }

    private static List<float[]> randomInputs(int n, int length, long seed) {
        Random rnd = new Random(seed);
        List<float[]> in = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            float[] v = new float[length];
            for (int i = 0; i < length; i++) {
                v[i] = (float) rnd.nextGaussian() * (1 + r);
            }
            in.add(v);
        }
        return in;
    }

    @ParameterizedTest(name = "n={0} length={1}")
    @CsvSource({"1, 7", "2, 1", "2, 1001", "3, 2", "3, 10", "3, 100003", "4, 5"})
    void sumsLikeAPlainSumOnEveryRankBitForBit(int n, int length) throws Exception {
        List<float[]> in = randomInputs(n, length, 17L * n + length);
        List<float[]> out = onRing(n, in, 1);
        double[] plain = new double[length];
        for (float[] v : in) {
            for (int i = 0; i < length; i++) {
                plain[i] += v[i];
            }
        }
        for (int i = 0; i < length; i++) {
            // float sums of n terms: within n ulps of the double-precision sum
            float tol = n * Math.ulp((float) Math.abs(plain[i])) + n * 1e-6f;
            assertEquals(plain[i], out.get(0)[i], tol, "element " + i);
        }
        for (int r = 1; r < n; r++) {
            assertArrayEquals(out.get(0), out.get(r), "rank " + r + " differs from rank 0: the all-gather must copy bits");
        }
        // the documented order: chunk c summed from rank c on, ((x_c + x_{c+1}) + ...) mod n
        float[] ordered = new float[length];
        for (int c = 0; c < n; c++) {
            for (int i = RingAllReduce.start(length, c, n); i < RingAllReduce.start(length, c + 1, n); i++) {
                float acc = in.get(c)[i];
                for (int k = 1; k < n; k++) {
                    acc = acc + in.get((c + k) % n)[i];
                }
                ordered[i] = acc;
            }
        }
        assertArrayEquals(ordered, out.get(0));
    }

    @Test
    void repeatedCallsOnOneRingStayInStep() throws Exception {
        List<float[]> in = randomInputs(3, 257, 5);
        List<float[]> out = onRing(3, in, 3);
        float[] once = onRing(3, in, 1).get(0);
        float[] expected = onRing(3, List.of(once, once, once), 1).get(0);   // (3x)·3: the second call's sum
        float[] twice = onRing(3, List.of(expected, expected, expected), 1).get(0);
        assertArrayEquals(twice, out.get(0));
        assertArrayEquals(out.get(0), out.get(2));
    }

    @Test
    void aRankThatClosesFailsItsNeighbourInsteadOfHangingIt() throws Exception {
        ServerSocket s0 = RingAllReduce.listen();
        ServerSocket s1 = RingAllReduce.listen();
        List<InetSocketAddress> a = List.of(new InetSocketAddress("127.0.0.1", s0.getLocalPort()),
                new InetSocketAddress("127.0.0.1", s1.getLocalPort()));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> dying = pool.submit(() -> {
                RingAllReduce ring = RingAllReduce.connect(1, a, s1, 20_000, () -> false);
                ring.close();   // dies before the first all-reduce
                return null;
            });
            Future<?> survivor = pool.submit(() -> {
                try (RingAllReduce ring = RingAllReduce.connect(0, a, s0, 20_000, () -> false)) {
                    ring.allReduce(new float[1000]);
                }
                return null;
            });
            dying.get(30, TimeUnit.SECONDS);
            Exception e = assertThrows(Exception.class, () -> survivor.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        } finally {
            pool.shutdownNow();
            s0.close();
            s1.close();
        }
    }

    @Test
    void vectorsOfDifferentLengthsAreRefusedWithTheReason() throws Exception {
        // repeated: before a failing rank let its own chunk through, its neighbour often saw only a
        // closed connection (a race the first repetitions hit)
        for (int k = 0; k < 50; k++) {
            Exception e = assertThrows(Exception.class, () -> onRing(2, List.of(new float[10], new float[12]), 1));
            assertTrue(String.valueOf(e.getCause()).contains("same length"), "try " + k + ": " + e.getCause());
        }
    }
}
