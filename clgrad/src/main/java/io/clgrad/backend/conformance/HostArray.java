package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.function.IntToDoubleFunction;

/**
 * A host array of either element type, a {@code float[]} (F32) or an {@code int[]} (I32), as
 * {@link Backend#write} and {@link Backend#read} take them: lets a case move data of both types
 * with one piece of code.
 */
final class HostArray {
    private final float[] floats;
    private final int[] ints;

    private HostArray(float[] floats, int[] ints) {
        this.floats = floats;
        this.ints = ints;
    }

    /** An array of {@code length} elements of {@code type}, element i set to {@code value(i)} cast to the type. */
    static HostArray of(ElementType type, int length, IntToDoubleFunction value) {
        if (type == ElementType.F32) {
            float[] f = new float[length];
            for (int i = 0; i < length; i++) {
                f[i] = (float) value.applyAsDouble(i);
            }
            return new HostArray(f, null);
        }
        int[] v = new int[length];
        for (int i = 0; i < length; i++) {
            v[i] = (int) value.applyAsDouble(i);
        }
        return new HostArray(null, v);
    }

    /** {@link Backend#write}: elements [from, from+n) of this array into {@code dst} from element {@code at}. */
    void write(Backend b, Buffer dst, long at, int from, int n) {
        if (floats != null) {
            b.write(dst, at, floats, from, n);
        } else {
            b.write(dst, at, ints, from, n);
        }
    }

    /** {@link Backend#read}: n elements of {@code src} from element {@code at} into this array from {@code into}. */
    void read(Backend b, Buffer src, long at, int into, int n) {
        if (floats != null) {
            b.read(src, at, floats, into, n);
        } else {
            b.read(src, at, ints, into, n);
        }
    }

    /** Elements [from, from+n), widened to double. */
    double[] values(int from, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = floats != null ? floats[from + i] : ints[from + i];
        }
        return r;
    }
}
