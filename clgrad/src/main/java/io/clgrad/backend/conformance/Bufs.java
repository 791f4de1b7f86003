package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Owns the buffers one test case allocates on one backend and frees them all on {@link #close()}.
 *
 * <p>Output buffers are allocated {@link #PAD} elements longer than the op's result and filled with
 * a sentinel first: {@link #readOut} reads the result and checks that the op left the padding alone
 * (an op that rounds its launch size up and writes past {@code n} is caught here), and an element the
 * op forgot to write still holds the sentinel and fails the value comparison.
 */
public final class Bufs implements AutoCloseable {
    /** Elements of padding after the result in every {@link #out} buffer. */
    public static final int PAD = 16;
    /** The value every float output element holds before the op runs. */
    public static final float F_SENTINEL = -1.2345e33f;
    /** The value every int output element holds before the op runs. */
    public static final int I_SENTINEL = 0x7EADBEEF;

    private final Backend backend;
    private final List<Buffer> owned = new ArrayList<>();

    /** Buffers on {@code backend}, none allocated yet. */
    public Bufs(Backend backend) {
        this.backend = backend;
    }

    /** The backend the buffers live on. */
    public Backend backend() {
        return backend;
    }

    /** An uninitialised buffer of {@code n} elements (at least one). */
    public Buffer alloc(ElementType type, long n) {
        Buffer b = backend.allocate(type, Math.max(1, n));
        owned.add(b);
        return b;
    }

    /** A float buffer holding {@code data}. */
    public Buffer f32(float... data) {
        Buffer b = alloc(ElementType.F32, data.length);
        if (data.length > 0) {
            backend.write(b, 0, data, 0, data.length);
        }
        return b;
    }

    /** An int buffer holding {@code data}. */
    public Buffer i32(int... data) {
        Buffer b = alloc(ElementType.I32, data.length);
        if (data.length > 0) {
            backend.write(b, 0, data, 0, data.length);
        }
        return b;
    }

    /** An output buffer of {@code n} elements plus {@link #PAD}, every element set to the sentinel. */
    public Buffer out(ElementType type, int n) {
        int len = n + PAD;
        if (type == ElementType.F32) {
            float[] s = new float[len];
            Arrays.fill(s, F_SENTINEL);
            return f32(s);
        }
        int[] s = new int[len];
        Arrays.fill(s, I_SENTINEL);
        return i32(s);
    }

    /** A float output buffer, see {@link #out(ElementType, int)}. */
    public Buffer out(int n) {
        return out(ElementType.F32, n);
    }

    /** Reads the first {@code n} elements of a buffer of either type, widened to double. */
    public double[] read(Buffer b, int n) {
        HostArray host = HostArray.of(b.type(), n, i -> 0);
        host.read(backend, b, 0, 0, n);
        return host.values(0, n);
    }

    /** Reads the {@code n} result elements of an {@link #out} buffer and checks its padding is untouched. */
    public double[] readOut(Buffer b, int n) {
        double[] all = read(b, n + PAD);
        for (int i = n; i < n + PAD; i++) {
            double sentinel = b.type() == ElementType.F32 ? F_SENTINEL : I_SENTINEL;
            if (all[i] != sentinel) {
                throw new IllegalStateException("wrote past the end of its output: element " + i + " of an "
                        + n + "-element result changed from the sentinel to " + all[i]);
            }
        }
        return Arrays.copyOf(all, n);
    }

    /** Frees one buffer now (it is then no longer owned). */
    public void free(Buffer b) {
        owned.remove(b);
        backend.free(b);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (Buffer b : owned) {
            try {
                if (!b.isFreed()) {
                    backend.free(b);
                }
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        owned.clear();
        if (first != null) {
            throw first;
        }
    }
}
