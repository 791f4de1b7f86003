package io.clgrad;

import io.clgrad.backend.ElementType;

/**
 * Element types of a {@link Tensor}: float32 for values, int32 for class labels, indices and
 * counts (clgrad's integer type: where PyTorch gives int64, clgrad gives int32), bool for the
 * results of comparisons. Ops on mixed types promote as PyTorch does, {@code bool < int32 < float32}
 * (see {@code Tensor#add(Tensor)} and docs/design-notes.md, "Types").
 */
public enum DType {
    /** 32-bit IEEE float, the default. */
    FLOAT32(ElementType.F32, "float32"),
    /** 32-bit signed integer, for labels and indices; arithmetic wraps modulo 2^32. */
    INT32(ElementType.I32, "int32"),
    /**
     * Booleans, PyTorch's {@code torch.bool}: what comparisons ({@code eq}, {@code gt}, ...)
     * return. Stored as float32 0.0/1.0 (4 bytes an element, PyTorch's take 1), so that a mask
     * feeds the float32 kernels as it is: {@code mask.mul(x)} needs no conversion.
     */
    BOOL(ElementType.F32, "bool");

    private final ElementType elementType;
    private final String label;

    DType(ElementType elementType, String label) {
        this.elementType = elementType;
        this.label = label;
    }

    /** The backend's element type for this dtype. */
    public ElementType elementType() {
        return elementType;
    }

    /** Bytes per element. */
    public int bytes() {
        return elementType.bytes();
    }

    /** The name PyTorch uses without its "torch." prefix: "float32", "int32", "bool". */
    @Override
    public String toString() {
        return label;
    }
}
