package io.clgrad.backend.cpu;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The direct convolution's forward weights packed per tile of output channels ({@link #pack}),
 * kept between calls: a batch-1 forward of a small CNN spent about 8 µs of its 105 packing the
 * weights again on every call (CNN layer 2: 18,432 floats), where PyTorch and ONNX Runtime reorder
 * a model's weights once. A kept copy is used only when the weights are, float for float, those it
 * was packed from: each entry holds a copy of its source and the lookup compares the two
 * ({@link Arrays#equals(float[], int, int, float[], int, int)}, a vectorised compare, about 1 µs
 * for those 18,432 floats), so any change to the weights (an optimizer step, a load, a reused
 * buffer) repacks, and the result never depends on the cache. Weights up to {@value #MAX_FLOATS}
 * floats are kept, at most {@value #MAX_ENTRIES} of them, the least recently used dropped first.
 *
 * <pre>{@code
 * float[] packed = cache.packed(w, cout, taps, 8);   // [ceil(cout/8)][taps][8]
 * }</pre>
 */
final class PackedConvWeights {
    /** Most weights kept. */
    static final int MAX_ENTRIES = 8;
    /** Largest weights kept (1 MiB): bigger convolutions' packing is small next to their work. */
    static final int MAX_FLOATS = 1 << 18;

    /** A packed copy: of which array (not kept alive by this), its contents then, and the tile. */
    private record Entry(WeakReference<float[]> source, float[] copy, int rows, float[] packed) {
        boolean packs(float[] w, int n, int r) {
            return source.get() == w && copy.length == n && rows == r && Arrays.equals(copy, 0, n, w, 0, n);
        }
    }

    /** Most recently used first; guarded by this. */
    private final List<Entry> entries = new ArrayList<>(MAX_ENTRIES);

    /**
     * The first {@code cout·taps} floats of {@code w} ([cout][taps]) packed for tiles of {@code r}
     * channels: {@code packed[((co/r)·taps + t)·r + co%r] = w[co·taps + t]}, the missing channels of
     * the last tile zero. The caller must not write to the result.
     */
    float[] packed(float[] w, int cout, int taps, int r) {
        int n = cout * taps;
        if (n > MAX_FLOATS) {
            return pack(w, cout, taps, r);
        }
        synchronized (this) {
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.packs(w, n, r)) {
                    entries.remove(i);
                    entries.add(0, e);
                    return e.packed();
                }
            }
        }
        float[] copy = Arrays.copyOf(w, n);   // packed from the copy, so the two always agree
        Entry e = new Entry(new WeakReference<>(w), copy, r, pack(copy, cout, taps, r));
        synchronized (this) {
            entries.removeIf(old -> old.source().get() == w || old.source().get() == null);
            if (entries.size() == MAX_ENTRIES) {
                entries.remove(MAX_ENTRIES - 1);
            }
            entries.add(0, e);
        }
        return e.packed();
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
