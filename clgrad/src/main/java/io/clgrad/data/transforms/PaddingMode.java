package io.clgrad.data.transforms;

/**
 * How {@link RandomCrop} pads an image, as torchvision's {@code padding_mode}. For a row
 * {@code 1 2 3 4} padded by 2 on each side:
 * <ul>
 *   <li>{@link #CONSTANT}: {@code f f 1 2 3 4 f f} (the fill value);</li>
 *   <li>{@link #EDGE}: {@code 1 1 1 2 3 4 4 4} (the last value repeated);</li>
 *   <li>{@link #REFLECT}: {@code 3 2 1 2 3 4 3 2} (mirrored without repeating the edge; the padding
 *       must be smaller than the side);</li>
 *   <li>{@link #SYMMETRIC}: {@code 2 1 1 2 3 4 4 3} (mirrored, repeating the edge; the padding must
 *       not exceed the side).</li>
 * </ul>
 */
public enum PaddingMode {
    /** The fill value. */
    CONSTANT,
    /** The nearest edge value. */
    EDGE,
    /** Mirrored about the edge value, which is not repeated. */
    REFLECT,
    /** Mirrored about the edge, which is repeated. */
    SYMMETRIC;

    /**
     * The source index of padded position {@code i} of a side of {@code n} values, or -1 for the
     * fill value ({@link #CONSTANT} outside {@code [0, n)}).
     *
     * @param i a position, possibly outside {@code [0, n)}
     * @param n the side's length, {@code >= 1}
     * @return an index in {@code [0, n)}, or -1
     */
    int source(int i, int n) {
        if (i >= 0 && i < n) {
            return i;
        }
        switch (this) {
            case CONSTANT:
                return -1;
            case EDGE:
                return i < 0 ? 0 : n - 1;
            case REFLECT: {
                if (n == 1) {
                    return 0;
                }
                int period = 2 * (n - 1);
                int k = Math.floorMod(i, period);
                return k < n ? k : period - k;
            }
            default: {
                int period = 2 * n;
                int k = Math.floorMod(i, period);
                return k < n ? k : period - 1 - k;
            }
        }
    }

    /** torchvision's name of the mode. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
