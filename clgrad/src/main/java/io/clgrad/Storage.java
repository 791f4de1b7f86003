package io.clgrad;

import io.clgrad.backend.Buffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The device buffer behind one or more tensors (a tensor and its views share a storage). The
 * buffer is freed when every tensor using it has been closed, or, for tensors nobody closed, when
 * the storage becomes unreachable (see {@link MemoryReclaimer}).
 *
 * <p>It also holds the version counter of its tensors, PyTorch's {@code _version}: every in-place
 * write to any of them bumps it, and autograd compares it with the version a node saved.
 */
final class Storage {
    private final Device device;
    private final DType dtype;
    private final Buffer buffer;
    private final MemoryReclaimer.Tracked tracked;
    private final AtomicInteger users = new AtomicInteger(1);
    private final AtomicInteger version = new AtomicInteger();
    /** Elements still to be filled with {@link #fillValue} before the buffer is first used; 0 when none. */
    private volatile long pendingFill;
    private float fillValue;
    /** Packed copies of views of this storage as a Linear weight, made by few-row no-grad forwards; guarded by this. */
    private PackedLinearWeights.Copies packedLinear;
    /** A convolution weight's folded batch normalisation ({@link ConvBatchNormFold}), or null; guarded by this lock. */
    private ConvBatchNormFold.Fold convBatchNormFold;

    private Storage(Device device, DType dtype, Buffer buffer) {
        this.device = device;
        this.dtype = dtype;
        this.buffer = buffer;
        this.tracked = device.reclaimer().track(this, buffer);
    }

    /** Allocates uninitialised storage for {@code count} elements. */
    static Storage allocate(Device device, DType dtype, long count) {
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of " + count + " elements is too large (limit "
                    + Integer.MAX_VALUE + ")");
        }
        Buffer b = device.reclaimer().allocate(dtype.elementType(), Math.max(1, count));
        return new Storage(device, dtype, b);
    }

    Device device() {
        return device;
    }

    DType dtype() {
        return dtype;
    }

    /** The buffer, after running a deferred fill if one is pending. */
    Buffer buffer() {
        if (pendingFill != 0) {
            runPendingFill();
        }
        return buffer;
    }

    /**
     * Defers filling the first {@code count} elements with {@code value} until the buffer is first
     * used: a gradient that no op ever reads (backward()'s implicit 1 when a fused loss hands out
     * its own gradient) then costs no launch.
     */
    void deferFill(float value, long count) {
        fillValue = value;
        pendingFill = count;
    }

    private synchronized void runPendingFill() {
        long count = pendingFill;
        if (count != 0) {
            device.backend().fill(buffer, count, fillValue);
            pendingFill = 0;
        }
    }

    /** How many in-place writes this storage has had. */
    int version() {
        return version.get();
    }

    /** Records an in-place write (see {@link #version()}). */
    void bumpVersion() {
        version.incrementAndGet();
        if (packedLinear != null || convBatchNormFold != null) {   // unlocked reads: a copy missed here no longer matches the version anyway
            dropPackedLinear();
        }
    }

    /** The packed copies of this storage as a Linear weight ({@link PackedLinearWeights}), or null; the caller holds this lock. */
    PackedLinearWeights.Copies packedLinear() {
        return packedLinear;
    }

    /** Sets the packed copies; the caller holds this lock. */
    void setPackedLinear(PackedLinearWeights.Copies c) {
        packedLinear = c;
    }

    /** The folded batch normalisation of this storage as a convolution weight, or null; the caller holds this lock. */
    ConvBatchNormFold.Fold convBatchNormFold() {
        return convBatchNormFold;
    }

    /** Sets the folded batch normalisation; the caller holds this lock. */
    void setConvBatchNormFold(ConvBatchNormFold.Fold f) {
        convBatchNormFold = f;
    }

    /** Drops the packed copies and the folded normalisation (the data changed, or the buffer is being freed). */
    private void dropPackedLinear() {
        PackedLinearWeights.Copies c;
        ConvBatchNormFold.Fold f;
        synchronized (this) {
            c = packedLinear;
            packedLinear = null;
            f = convBatchNormFold;
            convBatchNormFold = null;
        }
        if (c != null) {
            PackedLinearWeights.close(c.all());
        }
        if (f != null) {
            f.close();
        }
    }

    /** A new tensor (a view) starts using this storage. */
    void retain() {
        if (users.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            throw new IllegalStateException("tensor storage was already freed; it cannot be used after close()");
        }
    }

    /** A tensor using this storage was closed; frees the buffer when it was the last one. */
    void release() {
        if (users.decrementAndGet() == 0) {
            dropPackedLinear();
            tracked.free();
        }
    }
}
