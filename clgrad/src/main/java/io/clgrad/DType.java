package io.clgrad;

import io.clgrad.backend.ElementType;

/** Element types of a {@link Tensor}: float32 for values, int32 for class labels and indices. */
public enum DType {
    /** 32-bit IEEE float, the default. */
    FLOAT32(ElementType.F32, "float32"),
    /** 32-bit signed integer, for labels and indices. */
    INT32(ElementType.I32, "int32");

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

    /** The name PyTorch uses without its "torch." prefix: "float32", "int32". */
    @Override
    public String toString() {
        return label;
    }
}
