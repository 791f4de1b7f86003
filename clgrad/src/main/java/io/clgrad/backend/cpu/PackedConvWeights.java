package io.clgrad.backend.cpu;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The direct convolution's forward weights packed per tile of output channels ({@link #pack}),
 * kept between calls: a batch-1 forward of a small CNN spent about 8 µs of its 105 packing the
 * weights again on every call (CNN layer 2: 18,432 floats), where PyTorch and ONNX Runtime reorder
 * a model's weights once. A kept packing is used only when the weights are, float for float, those
 * it was packed from: each entry holds a copy of its source and the lookup compares the two
 * ({@link Arrays#equals(float[], int, int, float[], int, int)}, a vectorised compare, about 1 µs
 * for those 18,432 floats; NaNs compare equal whatever their payload), so any change to the weights
 * (an optimizer step, a load, a reused buffer) repacks, and the result never depends on the cache.
 * Entries are kept, the least recently used dropped first, while their copies and packings together
 * hold at most {@value #MAX_KEPT_FLOATS} floats (8 MiB); weights that alone would take more than a
 * quarter of that are packed on every call. {@link #clear} drops everything
 * ({@code Backend.emptyCache}).
 *
 * <pre>{@code
 * float[] packed = cache.packed(w, cout, taps, 8);   // [ceil(cout/8)][taps][8]
 * }</pre>
 */
final class PackedConvWeights {
    /** Most floats kept, copies and packings together. */
    static final int MAX_KEPT_FLOATS = 1 << 21;

    /** A packed copy: of which array (not kept alive by this), its contents then, and the geometry. */
    private record Entry(WeakReference<float[]> source, float[] copy, int taps, int rows, float[] packed) {
        boolean packs(float[] w, int n, int t, int r) {
            return source.get() == w && copy.length == n && taps == t && rows == r
                    && Arrays.equals(copy, 0, n, w, 0, n);
        }

        long floats() {
            return (long) copy.length + packed.length;
        }
    }

    /** Most recently used first; guarded by this. */
    private final List<Entry> entries = new ArrayList<>();
    /** The floats the entries hold; guarded by this. */
    private long kept;

    /**
     * The first {@code cout·taps} floats of {@code w} ([cout][taps]) packed for tiles of {@code r}
     * channels: {@code packed[((co/r)·taps + t)·r + co%r] = w[co·taps + t]}, the missing channels of
     * the last tile zero. The caller must not write to the result.
     *
     * @throws IllegalArgumentException when {@code w} is shorter than {@code cout·taps}
     */
    float[] packed(float[] w, int cout, int taps, int r) {
        int n = Math.multiplyExact(cout, taps);
        if (w.length < n) {
            throw new IllegalArgumentException("conv2d weights: " + w.length + " floats for " + cout + " channels of "
                    + taps + " taps");
        }
        long size = (long) n + (long) (cout + r - 1) / r * taps * r;
        if (size > MAX_KEPT_FLOATS / 4) {
            return pack(w, cout, taps, r);
        }
        Entry[] snapshot;
        synchronized (this) {
            snapshot = entries.toArray(new Entry[0]);
        }
        for (Entry e : snapshot) {   // compared outside the lock: concurrent forwards do not queue
            if (e.packs(w, n, taps, r)) {
                synchronized (this) {
                    if (entries.remove(e)) {
                        entries.add(0, e);
                    }
                }
                return e.packed();
            }
        }
        float[] copy = Arrays.copyOf(w, n);   // packed from the copy, so the two always agree
        Entry e = new Entry(new WeakReference<>(w), copy, taps, r, pack(copy, cout, taps, r));
        synchronized (this) {
            entries.removeIf(old -> {
                float[] src = old.source().get();
                boolean drop = src == w || src == null;
                kept -= drop ? old.floats() : 0;
                return drop;
            });
            entries.add(0, e);
            kept += e.floats();
            while (kept > MAX_KEPT_FLOATS) {
                kept -= entries.remove(entries.size() - 1).floats();
            }
        }
        return e.packed();
    }

    /** Drops every kept packing. */
    synchronized void clear() {
        entries.clear();
        kept = 0;
    }

    /** Packs without keeping anything: the layout of {@link #packed}. */
    static float[] pack(float[] w, int cout, int taps, int r) {
        float[] packed = new float[(cout + r - 1) / r * taps * r];
        for (int co = 0; co < cout; co++) {
            // channel co's taps go to its tile's column co % r, one tap per row of r
            for (int t = 0, d = (co / r) * taps * r + co % r, src = co * taps; t < taps; t++, d += r) {
                packed[d] = w[src + t];
            }
        }
        return packed;
    }
}
