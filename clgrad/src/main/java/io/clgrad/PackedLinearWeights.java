package io.clgrad;

import io.clgrad.backend.Backend;
import java.util.Arrays;

/**
 * The packed copies of Linear weights that a backend's few-row forward reads
 * ({@link Backend#addmmPacked}: batch-1 inference, where every call streams all the weights once and
 * their layout decides the speed). A copy lives beside the weight's {@link Storage}, is made on the
 * first no-grad forward of at most {@link Backend#PACKED_LINEAR_MAX_ROWS} rows, and is made again
 * when the weight's {@link Tensor#version()} or view changed since (an optimizer step, a
 * {@code copyFrom}, a state dict load, an {@code nn.init} fill, a replayed step's writes all bump
 * it). It is freed with the weight's storage; a copy replaced while another thread still reads it
 * lives until that thread is done (each call holds its own reference).
 *
 * <p>Only forwards that record no node use it (no-grad, or nothing requires a gradient): a training
 * step's weights change every step, so packing there would cost a copy of every weight per step; the
 * packed product adds in another order than the
 * unpacked one, so the last bits of a no-grad forward may differ from a forward with gradients
 * (within the conformance tolerances), as PyTorch's inference paths may.
 */
final class PackedLinearWeights {
    /** A packed copy: of which version and view of the weight. */
    record Entry(int version, int offset, int[] shape, int[] strides, Tensor packed) {
        boolean matches(int v, Tensor w) {
            return version == v && offset == w.offset() && Arrays.equals(shape, w.shapeRef())
                    && Arrays.equals(strides, w.stridesRef());
        }
    }

    private PackedLinearWeights() {
    }

    /**
     * The packed copy of {@code w} [out, in] for a forward of {@code rows} rows, as a handle the caller
     * closes when the launch is done; null when the plain path serves (too many rows, a step being
     * recorded, or a backend without packed weights). The caller has checked that the forward records
     * no node (no-grad, or nothing requires a gradient).
     */
    static Tensor forForward(Tensor w, int rows) {
        if (rows < 1 || rows > Backend.PACKED_LINEAR_MAX_ROWS || Step.isRecording()) {
            return null;
        }
        int[] shape = w.shapeRef();
        Backend backend = w.backend();
        long size = backend.packedLinearWeightSize(shape[0], shape[1]);
        if (size <= 0) {
            return null;
        }
        Storage s = w.storage();
        synchronized (s) {
            int version = s.version();
            Entry e = s.packedLinear();
            if (e == null || !e.matches(version, w)) {
                Tensor packed = Tensor.empty(w.device(), DType.FLOAT32, new int[] {Math.toIntExact(size)});
                TensorScope.release(packed);   // owned by the weight's storage, not by the caller's scope
                try {
                    backend.packLinearWeight(w.stridedView("linear"), packed.buffer("linear"));
                } catch (RuntimeException | Error ex) {
                    packed.close();
                    throw ex;
                }
                s.setPackedLinear(new Entry(version, w.offset(), shape.clone(), w.stridesRef().clone(), packed));
                if (e != null) {
                    e.packed().close();   // a reader still holding it keeps the buffer until it is done
                }
                e = s.packedLinear();
            }
            Tensor handle = e.packed().restride(0, e.packed().shapeRef(), e.packed().stridesRef());
            TensorScope.release(handle);
            return handle;
        }
    }
}
