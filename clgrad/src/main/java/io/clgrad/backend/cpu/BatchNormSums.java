package io.clgrad.backend.cpu;

import java.util.Arrays;

/**
 * The per-channel sums of batch norm — Σ(x − shift), Σ(x − μ)², and the backward's Σg and
 * Σg·(x − μ) — over the runs of one channel (the rows of {@code inner} elements of [n, C, inner]).
 * A run of at least {@value #MIN_VECTORS} vectors is cut into segments of {@value #SEGMENT} vectors
 * (the last one up to 67); each segment is summed per lane in float, four partial sums per lane
 * (vector v of the segment goes to partial v mod 4, the first four start them), the partials added
 * as {@code (a0 + a1) + (a2 + a3)} and each lane's result added to a double per lane. The elements
 * after the run's last whole vector, and shorter runs, are added in double. The total is the tail
 * plus the lanes in order. A float partial sums at most 17 terms (13 for a 28×28 plane on 16
 * lanes), so a segment's float error stays below about 20 ulps of its Σ|terms|; summing x − shift
 * with a shift near the mean (the channel's first element) keeps the terms near the spread rather
 * than the mean. The all-double scalar loops these replaced were a sixth of a Fashion-MNIST CNN
 * epoch on the CPU (chains of double adds, one element per add's latency). A channel whose float
 * sums come out infinite or NaN is summed again in double ({@link #reset}'s {@code exact}), so
 * only inputs that overflow a double too give non-finite statistics.
 *
 * <p>The segment loops are {@code VectorBatchNorm} (Vector API) or the plain loops here, their twin:
 * the same operations in the same order, so the two agree bit for bit for the same lane count. One
 * instance per thread: it holds the lane accumulators.
 *
 * <pre>{@code
 * BatchNormSums s = new BatchNormSums(vector);
 * s.reset(false);
 * for (each run of channel c) s.sum(x, base, len, shift);
 * double mean = shift + s.total() / count;   // if not finite: reset(true) and sum again
 * }</pre>
 */
final class BatchNormSums {
    /** Whole vectors a run needs for the vector loop (one per float partial sum); shorter runs go in double. */
    static final int MIN_VECTORS = 4;
    /**
     * Vectors per float segment: a longer run is cut into segments of 64 vectors (the last one 64 to
     * 67), each summed in float and added to the doubles, so that a float partial never sums more
     * than 17 terms, however long the run (a 2^20-element row otherwise lost 2e-5 of its variance).
     */
    static final int SEGMENT = 64;

    private final boolean vector;
    private final int lanes;
    /** Per-lane double sums of the first (or only) quantity, then the second's. */
    private final double[] first;
    private final double[] second;
    /** One run's lane sums, handed from float to double. */
    private final float[] blockFirst;
    private final float[] blockSecond;
    private double tailFirst;
    private double tailSecond;
    /** Everything in double this channel (see {@link #reset}). */
    private boolean exact;

    /**
     * @param vector whether to run the blocks with the Vector API (the caller checked the module)
     */
    BatchNormSums(boolean vector) {
        this(vector, vector ? VectorBatchNorm.lanes() : 8);
    }

    /** Plain loops with {@code lanes} lanes (tests: the twin of the vector loops of that width). */
    BatchNormSums(int lanes) {
        this(false, lanes);
    }

    private BatchNormSums(boolean vector, int lanes) {
        this.vector = vector;
        this.lanes = lanes;
        this.first = new double[lanes];
        this.second = new double[lanes];
        this.blockFirst = new float[lanes];
        this.blockSecond = new float[lanes];
    }

    /**
     * Clears the sums (before each channel).
     *
     * @param exact whether the channel's sums go in double only (the caller's second try when the
     *              float sums came out infinite or NaN: a float x − μ, (x − μ)² or g·(x − μ) can
     *              overflow where the double does not)
     */
    void reset(boolean exact) {
        this.exact = exact;
        Arrays.fill(first, 0);
        Arrays.fill(second, 0);
        tailFirst = 0;
        tailSecond = 0;
    }

    /** The first quantity's sum so far: the tail, then the lanes in order. */
    double total() {
        return total(tailFirst, first);
    }

    /** The second quantity's sum so far ({@link #sumAndDot}'s Σg·(x − μ)). */
    double totalSecond() {
        return total(tailSecond, second);
    }

    private static double total(double tail, double[] lanes) {
        double s = tail;
        for (double l : lanes) {
            s += l;
        }
        return s;
    }

    /** Whole vectors of a run that the vector loop takes: all of them, or none for a short run or exact sums. */
    private int vectors(int len) {
        int k = len / lanes;
        return k >= MIN_VECTORS && !exact ? k : 0;
    }

    /** Vectors in the segment from vector v of k: {@value #SEGMENT} while at least four more follow, else the rest. */
    private static int segment(int v, int k) {
        return k - v >= SEGMENT + MIN_VECTORS ? SEGMENT : k - v;
    }

    // The three sums below repeat their segment loop on purpose: one loop taking the segment's work
    // as a lambda ran the 784-element rows at half the speed (0.14 against 0.07 ns per element).

    /** Adds Σ (x − shift) over {@code x[base, base + len)} to the first sum. */
    void sum(float[] x, int base, int len, float shift) {
        int k = vectors(len);
        for (int v = 0, seg; v < k; v += seg) {
            seg = segment(v, k);
            if (vector) {
                VectorBatchNorm.sum(x, base + v * lanes, seg, shift, blockFirst);
            } else {
                plainSum(x, base + v * lanes, seg, shift);
            }
            addLanes(first, blockFirst);
        }
        for (int e = base + k * lanes; e < base + len; e++) {
            tailFirst += (double) x[e] - shift;
        }
    }

    /** Adds Σ (x − mu)² over {@code x[base, base + len)} to the first sum. */
    void squaredDeviations(float[] x, int base, int len, float mu) {
        int k = vectors(len);
        for (int v = 0, seg; v < k; v += seg) {
            seg = segment(v, k);
            if (vector) {
                VectorBatchNorm.squaredDeviations(x, base + v * lanes, seg, mu, blockFirst);
            } else {
                plainSquaredDeviations(x, base + v * lanes, seg, mu);
            }
            addLanes(first, blockFirst);
        }
        for (int e = base + k * lanes; e < base + len; e++) {
            double d = (double) x[e] - mu;
            tailFirst += d * d;
        }
    }

    /** Adds Σ g to the first sum and Σ g·(x − mu) to the second over {@code [base, base + len)}. */
    void sumAndDot(float[] g, float[] x, int base, int len, float mu) {
        int k = vectors(len);
        for (int v = 0, seg; v < k; v += seg) {
            seg = segment(v, k);
            if (vector) {
                VectorBatchNorm.sumAndDot(g, x, base + v * lanes, seg, mu, blockFirst, blockSecond);
            } else {
                plainSumAndDot(g, x, base + v * lanes, seg, mu);
            }
            addLanes(first, blockFirst);
            addLanes(second, blockSecond);
        }
        for (int e = base + k * lanes; e < base + len; e++) {
            tailFirst += g[e];
            tailSecond += (double) g[e] * ((double) x[e] - mu);
        }
    }

    private static void addLanes(double[] lanes, float[] run) {
        for (int l = 0; l < lanes.length; l++) {
            lanes[l] += run[l];
        }
    }

    /** The plain twin of {@code VectorBatchNorm.sum}: {@code out[l]} = the run's lane sum of x − shift. */
    private void plainSum(float[] x, int base, int k, float shift) {
        int w = lanes;
        for (int l = 0; l < w; l++) {
            float[] a = new float[MIN_VECTORS];
            for (int v = 0; v < k; v++) {
                float d = x[base + v * w + l] - shift;
                a[v % 4] = v < 4 ? d : a[v % 4] + d;
            }
            blockFirst[l] = (a[0] + a[1]) + (a[2] + a[3]);
        }
    }

    /** The plain twin of {@code VectorBatchNorm.squaredDeviations}. */
    private void plainSquaredDeviations(float[] x, int base, int k, float mu) {
        int w = lanes;
        for (int l = 0; l < w; l++) {
            float[] a = new float[MIN_VECTORS];
            for (int v = 0; v < k; v++) {
                float d = x[base + v * w + l] - mu;
                a[v % 4] = v < 4 ? d * d : Math.fma(d, d, a[v % 4]);
            }
            blockFirst[l] = (a[0] + a[1]) + (a[2] + a[3]);
        }
    }

    /** The plain twin of {@code VectorBatchNorm.sumAndDot}. */
    private void plainSumAndDot(float[] g, float[] x, int base, int k, float mu) {
        int w = lanes;
        for (int l = 0; l < w; l++) {
            float[] a = new float[MIN_VECTORS];
            float[] s = new float[MIN_VECTORS];
            for (int v = 0; v < k; v++) {
                int e = base + v * w + l;
                float d = x[e] - mu;
                a[v % 4] = v < 4 ? g[e] : a[v % 4] + g[e];
                s[v % 4] = v < 4 ? g[e] * d : Math.fma(g[e], d, s[v % 4]);
            }
            blockFirst[l] = (a[0] + a[1]) + (a[2] + a[3]);
            blockSecond[l] = (s[0] + s[1]) + (s[2] + s[3]);
        }
    }
}
