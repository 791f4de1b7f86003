package io.clgrad.backend;

/**
 * A block of device memory owned by one {@link Backend}: {@code count} elements of one
 * {@link ElementType}, always contiguous. Tensors above the backend layer add shape, strides and
 * an offset; the backend itself only sees buffers, offsets and strides.
 *
 * <p>A buffer is returned to its backend with {@link Backend#free(Buffer)} exactly once; using it
 * afterwards is a programming error that the backend reports with an {@link IllegalStateException}.
 */
public interface Buffer {
    /** The element type. */
    ElementType type();

    /** Number of elements. */
    long count();

    /** Size in bytes ({@code count * type.bytes()}). */
    default long bytes() {
        return count() * type().bytes();
    }

    /** The backend that owns this buffer. */
    Backend backend();

    /** Whether {@link Backend#free(Buffer)} has been called on this buffer. */
    boolean isFreed();
}
