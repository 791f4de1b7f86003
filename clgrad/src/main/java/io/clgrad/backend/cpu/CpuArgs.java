package io.clgrad.backend.cpu;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;

/**
 * Argument checks of the CPU backend: turns {@link Buffer}s into the live Java arrays of this
 * backend, and rejects what would otherwise crash an op (null, freed or foreign buffers, buffers
 * too small, counts outside int range) with {@link IllegalArgumentException} or
 * {@link IllegalStateException} naming the buffer and the sizes. Shapes themselves are the tensor
 * layer's to validate.
 */
final class CpuArgs {
    private final CpuBackend owner;

    CpuArgs(CpuBackend owner) {
        this.owner = owner;
    }


    /** The buffer as a CpuBuffer of this backend; throws for null or another backend's buffer. */
    CpuBuffer owned(Buffer b, String role) {
        if (b == null) {
            throw new IllegalArgumentException(role + " buffer is null");
        }
        if (!(b instanceof CpuBuffer cb) || cb.backend() != owner) {
            Backend other = b.backend();
            throw new IllegalArgumentException(role + " buffer " + b + " belongs to another backend ("
                    + (other == null ? "none" : other.id() + ": " + other) + "), not to this one ("
                    + owner.info().name() + "); move the data with read/write first");
        }
        return cb;
    }

    /** The live float storage of an F32 buffer of this backend holding at least {@code needed} elements. */
    float[] f32(Buffer b, String role, long needed) {
        CpuBuffer cb = owned(b, role);
        float[] data = cb.floats();
        elements(needed, cb, role);
        return data;
    }

    /** As {@link #f32}, or null for a null buffer (an optional operand). */
    float[] optF32(Buffer b, String role, long needed) {
        return b == null ? null : f32(b, role, needed);
    }

    /** The live int storage of an I32 buffer of this backend holding at least {@code needed} elements. */
    int[] i32(Buffer b, String role, long needed) {
        CpuBuffer cb = owned(b, role);
        int[] data = cb.ints();
        elements(needed, cb, role);
        return data;
    }

    /** n as an int after checking the buffer is live and holds n elements. */
    static int elements(long n, CpuBuffer b, String role) {
        b.checkLive();
        if (n > b.count()) {
            throw new IllegalArgumentException(role + " " + b + " is smaller than the " + n + " elements asked for");
        }
        return elements(n);
    }

    /** n as an int; throws for negative counts (buffers never exceed int range). */
    static int elements(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("element count " + n + " is outside [0, " + Integer.MAX_VALUE + "]");
        }
        return (int) n;
    }

    /** Elements an operand read at {@code i*stride} for i in [0, n) must hold. */
    static long strided(long n, int stride) {
        if (stride < 0) {
            throw new IllegalArgumentException("gradient stride must be 0 or positive, got " + stride);
        }
        return n == 0 ? 0 : (n - 1) * stride + 1;
    }

    /** outer·len·inner after checking sizes are non-negative, len ≥ 1, and the total fits an int. */
    static long geometry(int outer, int len, int inner) {
        if (outer < 0 || len < 1 || inner < 0) {
            throw new IllegalArgumentException("bad geometry [outer " + outer + ", len " + len
                    + ", inner " + inner + "]");
        }
        long total = (long) outer * len * inner;
        elements(total);
        return total;
    }

    /** Throws unless both ranges [bufOffset, +n) and [hostOffset, +n) lie inside their arrays. */
    static void checkHostRange(long bufOffset, int bufLength, int hostOffset, int hostLength, int n) {
        if (n < 0 || bufOffset < 0 || bufOffset + n > bufLength
                || hostOffset < 0 || (long) hostOffset + n > hostLength) {
            throw new IllegalArgumentException("copy of " + n + " elements at buffer offset " + bufOffset
                    + " (buffer of " + bufLength + ") and host offset " + hostOffset + " (array of " + hostLength
                    + ") is out of range");
        }
    }

    /**
     * The live array (float[] or int[]) of a buffer of this backend, of element type {@code type}
     * (null: either), holding at least {@code needed} elements.
     */
    Object data(Buffer b, String role, io.clgrad.backend.ElementType type, long needed) {
        CpuBuffer cb = owned(b, role);
        if (type != null && cb.type() != type) {
            throw new IllegalArgumentException(role + " must be an " + type + " buffer, got " + cb);
        }
        elements(needed, cb, role);
        return cb.type() == io.clgrad.backend.ElementType.F32 ? cb.floats() : cb.ints();
    }
}
