package io.clgrad;

/**
 * A result of values with the int32 indices they came from, as PyTorch's
 * {@code max_pool2d(..., return_indices=True)} returns a pair: {@code values} carries the gradient,
 * {@code indices} has none. Closing closes both.
 *
 * <pre>{@code
 * ValuesAndIndices r = Functional.maxPool2dWithIndices(x, new int[] {2}, null, new int[] {0}, new int[] {1}, false);
 * Tensor y = r.values();       // [N, C, H/2, W/2]
 * Tensor where = r.indices();  // int32, positions ih*W + iw in each input plane
 * }</pre>
 *
 * @param values  the values (float32)
 * @param indices the indices (int32), same shape
 */
public record ValuesAndIndices(Tensor values, Tensor indices) implements AutoCloseable {
    /** Closes both tensors. */
    @Override
    public void close() {
        values.close();
        if (indices != null) {
            indices.close();
        }
    }
}
