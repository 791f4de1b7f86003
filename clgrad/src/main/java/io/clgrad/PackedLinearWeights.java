package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.DeviceOutOfMemoryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packed copies of Linear weights that a backend's inference forward reads: of
 * {@link Kind#FEW_ROWS} for up to {@link Backend#PACKED_LINEAR_MAX_ROWS} rows
 * ({@link Backend#addmmPacked}: batch-1 inference, where every call streams all the weights once and
 * their layout decides the speed), of {@link Kind#GEMM} for more rows ({@link Backend#addmmGemmPacked}:
 * the GEMM's packing of W, otherwise repeated on every call, done once). The copies live beside the
 * weight's {@link Storage}, one per view of it and kind (up to {@link #MAX_VIEWS} of each kind, the
 * least recently used dropped first: a fused weight whose slices serve as three layers keeps three),
 * each made on the first forward that records no node and that the backend runs from such a copy,
 * for the storage's current {@link Tensor#version()}. Any in-place write to the storage (an optimizer step, a
 * {@code copyFrom}, a state dict load, an {@code nn.init} fill, a replayed step's writes) bumps the
 * version and drops the copies, so training between evaluations holds no stale memory. A copy is
 * freed with the weight's storage; one dropped while another thread still reads it lives until that
 * thread is done (each call holds its own reference). When the device has no memory for a copy the
 * forward takes the unpacked path.
 *
 * <p>Only forwards that record no node use it (no-grad, or nothing requires a gradient): a training
 * step's weights change every step, so packing there would cost a copy of every weight per step. The
 * few-row product adds in another order than the unpacked one, so the last bits of such a forward
 * may differ from the same forward with gradients (within the conformance tolerances), as PyTorch's
 * inference paths may; the GEMM copies give the GEMM's own sums. A copy is not made while it would
 * bring the device's memory in use past {@link #MAX_MEMORY_SHARE} of its memory (checked again on
 * the next forward), nor when the device has no memory for it (then not tried again until the
 * weight is written); the forward takes the unpacked path.
 */
final class PackedLinearWeights {
    /** Most views of one storage that keep a packed copy of each kind. */
    static final int MAX_VIEWS = 4;
    /**
     * No copy is made that would bring the device's memory in use past this share of its memory: the
     * copies are a cache, and a model that fills half the memory must not fail its forwards for them.
     */
    static final double MAX_MEMORY_SHARE = 0.5;

    /** Which of the backend's packed layouts a copy is in. */
    enum Kind {
        /** {@link Backend#packLinearWeight}, for forwards of 1 to {@link Backend#PACKED_LINEAR_MAX_ROWS} rows. */
        FEW_ROWS,
        /** {@link Backend#packGemmWeight}, for forwards of more rows. */
        GEMM
    }
    private static final Logger LOG = LoggerFactory.getLogger(PackedLinearWeights.class);

    /** A packed copy: of which version and view of the weight, in which layout. */
    record Entry(Kind kind, int version, int offset, int[] shape, int[] strides, Tensor packed) {
        /** Whether this is a copy (of any kind) of version v of w's view. */
        boolean matches(int v, Tensor w) {
            return version == v && offset == w.offset() && Arrays.equals(shape, w.shapeRef())
                    && Arrays.equals(strides, w.stridesRef());
        }
    }

    /** The copies of one storage, most recently used first; guarded by the storage's lock. */
    static final class Copies {
        private final List<Entry> entries = new ArrayList<>(MAX_VIEWS);
        /**
         * Per kind, the version at which the device had no memory for a copy (each try goes through
         * the allocator's collect-and-retry path); a write drops this object and so the note.
         */
        private final int[] refused = {-1, -1};

        /** Whether a copy of this kind was refused at this version (not tried again until the weight changes). */
        boolean refused(Kind kind, int version) {
            return refused[kind.ordinal()] == version;
        }

        /** Notes that a copy of this kind could not be made at this version. */
        void refuse(Kind kind, int version) {
            refused[kind.ordinal()] = version;
        }

        /** The copy of this kind, version and view of {@code w}, moved to the front, or null. */
        Entry find(Kind kind, int version, Tensor w) {
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.kind() == kind && e.matches(version, w)) {
                    entries.remove(i);
                    entries.add(0, e);
                    return e;
                }
            }
            return null;
        }

        /**
         * Adds {@code e} in front; returns what it displaced (copies of other versions, the least
         * recent view of its kind).
         */
        List<Entry> add(Entry e) {
            List<Entry> dropped = new ArrayList<>();
            entries.removeIf(old -> {
                boolean stale = old.version() != e.version();
                if (stale) {
                    dropped.add(old);
                }
                return stale;
            });
            entries.add(0, e);
            int ofKind = 0;
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).kind() == e.kind() && ++ofKind > MAX_VIEWS) {
                    dropped.add(entries.remove(i--));
                }
            }
            return dropped;
        }

        /** Every copy (the storage is dropping them). */
        List<Entry> all() {
            return entries;
        }
    }

    private PackedLinearWeights() {
    }

    /**
     * The packed copy of {@code w} [out, in] for {@link Backend#addmmPacked} in a forward of
     * {@code rows} rows, as a handle the caller closes when the launch is done; null when the plain
     * path serves (too many rows, a step being recorded, a backend without packed weights, or no
     * device memory for the copy). The caller has checked that the forward records no node (no-grad,
     * or nothing requires a gradient).
     */
    static Tensor forForward(Tensor w, int rows) {
        if (rows < 1 || rows > Backend.PACKED_LINEAR_MAX_ROWS) {
            return null;
        }
        int[] shape = w.shapeRef();
        return copy(w, Kind.FEW_ROWS, w.backend().packedLinearWeightSize(shape[0], shape[1]));
    }

    /**
     * The copy of {@code w} [out, in] for {@link Backend#addmmGemmPacked} in a forward of {@code rows}
     * rows (more than {@link Backend#PACKED_LINEAR_MAX_ROWS}), as {@link #forForward} gives its own;
     * null when the plain path serves.
     */
    static Tensor forGemm(Tensor w, int rows) {
        if (rows <= Backend.PACKED_LINEAR_MAX_ROWS) {
            return null;
        }
        int[] shape = w.shapeRef();
        return copy(w, Kind.GEMM, w.backend().gemmPackedWeightSize(rows, shape[0], shape[1]));
    }

    /** The copy of this kind (of {@code size} floats, 0 for none) of w's view and version, made if missing. */
    private static Tensor copy(Tensor w, Kind kind, long size) {
        if (size <= 0 || size > Integer.MAX_VALUE || Step.isRecording()) {
            return null;
        }
        int[] shape = w.shapeRef();
        Backend backend = w.backend();
        Storage s = w.storage();
        List<Entry> dropped = List.of();
        Tensor handle;
        synchronized (s) {
            int version = s.version();
            Copies copies = s.packedLinear();
            Entry e = copies == null ? null : copies.find(kind, version, w);
            if (e == null) {
                if (copies == null) {
                    copies = new Copies();
                    s.setPackedLinear(copies);
                } else if (copies.refused(kind, version)) {
                    return null;
                }
                if (!roomForCache(w.device(), size * Float.BYTES)) {   // checked again next call
                    LOG.debug("{} copy of Linear weight {} not made: {} bytes would fill more than {} of the device;"
                            + " using the unpacked path", kind, Shape.str(shape), size * Float.BYTES, MAX_MEMORY_SHARE);
                    return null;
                }
                Tensor packed;
                try {
                    packed = Tensor.empty(w.device(), DType.FLOAT32, new int[] {(int) size});
                } catch (DeviceOutOfMemoryException oom) {   // not tried again until the weight is written
                    LOG.debug("no memory for a {} copy of Linear weight {}; using the unpacked path", kind,
                            Shape.str(shape), oom);
                    copies.refuse(kind, version);
                    return null;
                }
                TensorScope.release(packed);   // owned by the weight's storage, not by the caller's scope
                try {
                    if (kind == Kind.GEMM) {
                        backend.packGemmWeight(w.stridedView("linear"), packed.buffer("linear"));
                    } else {
                        backend.packLinearWeight(w.stridedView("linear"), packed.buffer("linear"));
                    }
                } catch (RuntimeException | Error ex) {
                    packed.close();
                    throw ex;
                }
                e = new Entry(kind, version, w.offset(), shape.clone(), w.stridesRef().clone(), packed);
                dropped = copies.add(e);
            }
            handle = e.packed().restride(0, e.packed().shapeRef(), e.packed().stridesRef());
            TensorScope.release(handle);
        }
        close(dropped);
        return handle;
    }

    /**
     * Whether a cache of {@code bytes} (a packed copy, a folded convolution) leaves the device's memory
     * in use within {@link #MAX_MEMORY_SHARE} of its memory.
     */
    static boolean roomForCache(Device device, long bytes) {
        long limit = (long) (device.info().globalMemBytes() * MAX_MEMORY_SHARE);
        return device.backend().memoryStats().bytesInUse() + bytes <= limit;
    }

    /** Closes dropped copies (outside the storage's lock); a reader still holding one keeps its buffer. */
    static void close(List<Entry> dropped) {
        for (Entry e : dropped) {
            e.packed().close();
        }
    }
}
