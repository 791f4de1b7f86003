package io.clgrad.backend.opencl;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.StridedView;
import java.util.Arrays;

/**
 * The checks that keep a bad argument from reaching a kernel, where it could fault the device or,
 * on a CPU runtime such as PoCL that runs inside this process, crash the JVM: buffers must belong
 * to this backend and not be freed, counts must fit the buffers, strided views must stay inside
 * their buffers. Shape agreement is the tensor layer's job and is not re-checked here.
 */
final class Operands {
    private final Backend owner;

    Operands(Backend owner) {
        this.owner = owner;
    }

    /** The buffer as this backend's type; throws if it is null or foreign (freed is allowed). */
    ClBuffer owned(Buffer b) {
        if (b == null) {
            throw new IllegalArgumentException("buffer is null");
        }
        if (!(b instanceof ClBuffer) || b.backend() != owner) {
            throw new IllegalArgumentException("buffer " + b + " belongs to " + b.backend().id() + ", not " + owner.id());
        }
        return (ClBuffer) b;
    }

    /** The buffer as this backend's type; throws if it is foreign, null or freed. */
    ClBuffer of(Buffer b, String role) {
        if (b == null) {
            throw new IllegalArgumentException(role + " buffer is null");
        }
        if (!(b instanceof ClBuffer) || b.backend() != owner) {
            throw new IllegalArgumentException(role + " buffer " + b + " belongs to " + b.backend().id()
                    + ", not " + owner.id());
        }
        if (b.isFreed()) {
            throw new IllegalStateException(role + " buffer " + b + " was already freed");
        }
        return (ClBuffer) b;
    }

    /** As {@link #of(Buffer, String)}, also requiring a type and at least {@code needed} elements. */
    ClBuffer of(Buffer b, String role, ElementType type, long needed) {
        ClBuffer c = of(b, role);
        if (type != null && c.type() != type) {
            throw new IllegalArgumentException(role + " buffer holds " + c.type() + ", expected " + type);
        }
        if (needed > c.count()) {
            throw new IllegalArgumentException(role + " buffer has " + c.count() + " elements, the op needs " + needed);
        }
        return c;
    }

    /** An optional operand: null stays null. */
    ClBuffer optional(Buffer b, String role, ElementType type, long needed) {
        return b == null ? null : of(b, role, type, needed);
    }

    /** A view's buffer, after checking that every element the view can address lies inside it. */
    ClBuffer view(StridedView v, String role, ElementType type) {
        ClBuffer c = of(v.buffer(), role, type, 0);
        if (v.numel() == 0) {
            return c;
        }
        long lo = v.offset();
        long hi = v.offset();
        for (int d = 0; d < v.rank(); d++) {
            long span = (long) (v.shape()[d] - 1) * v.strides()[d];
            if (span < 0) {
                lo += span;
            } else {
                hi += span;
            }
        }
        if (hi > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(role + " view reaches element " + hi
                    + ", past the OpenCL backend's 32-bit indexing limit");
        }
        if (lo < 0 || hi >= c.count()) {
            throw new IllegalArgumentException(role + " view (offset " + v.offset() + ", shape "
                    + Arrays.toString(v.shape()) + ", strides " + Arrays.toString(v.strides())
                    + ") reaches elements [" + lo + ", " + hi + "] outside its buffer of " + c.count());
        }
        return c;
    }

    /** A count as an int; kernels index with 32-bit ints. */
    static int count(long n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException("negative " + what + ": " + n);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " " + n + " exceeds the OpenCL backend's limit of "
                    + Integer.MAX_VALUE + " elements per op");
        }
        return (int) n;
    }

    /** Checks that a Java array range is valid before JOCL copies into or out of it. */
    static void checkArrayRange(int length, int offset, int n) {
        if (offset < 0 || n < 0 || (long) offset + n > length) {
            throw new IndexOutOfBoundsException("array range [" + offset + ", " + ((long) offset + n)
                    + ") outside an array of " + length);
        }
    }

    static int product(int... dims) {
        long p = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            p *= d;
        }
        return count(p, "element count");
    }
}
