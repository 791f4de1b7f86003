package io.clgrad.nn;

import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * Unflattens one dimension into several, as PyTorch's {@code torch.nn.Unflatten}: the inverse of
 * {@link Flatten}. One of the sizes may be -1 (inferred).
 *
 * <p>Shapes: input {@code [*, S_dim, *]}; output {@code [*, U_1, ..., U_n, *]} with
 * {@code ∏ U_i = S_dim}.
 *
 * <pre>{@code
 * Unflatten u = new Unflatten(1, 1, 28, 28);
 * System.out.println(u);                          // Unflatten(dim=1, unflattened_size=(1, 28, 28))
 * Tensor img = u.forward(Tensor.randn(32, 784));   // [32, 1, 28, 28]
 * }</pre>
 */
public class Unflatten extends Module<Unflatten> {
    private final int dim;
    private final int[] unflattenedSize;

    /**
     * Unflattens dimension {@code dim} into {@code unflattenedSize}.
     *
     * @param dim             the dimension (negative counts from the end)
     * @param unflattenedSize the new sizes (at least one; at most one -1)
     */
    public Unflatten(int dim, int... unflattenedSize) {
        if (unflattenedSize == null || unflattenedSize.length == 0) {
            throw new IllegalArgumentException("Unflatten: unflattened_size must be non-empty");
        }
        this.dim = dim;
        this.unflattenedSize = unflattenedSize.clone();
    }

    /**
     * x with dimension {@code dim} split into {@code unflattenedSize} (a view when the layout allows).
     *
     * @param x at least one dimension
     * @return the reshaped tensor
     * @throws IllegalArgumentException when dim is out of range or the sizes do not multiply to its size
     */
    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        int d = dim < 0 ? dim + shape.length : dim;
        if (d < 0 || d >= shape.length) {
            throw new IllegalArgumentException("Unflatten: dimension out of range (expected to be in range of ["
                    + (-shape.length) + ", " + (shape.length - 1) + "], but got " + dim + ")");
        }
        long known = 1;
        int inferred = 0;
        for (int s : unflattenedSize) {
            if (s == -1) {
                inferred++;
            } else {
                known *= s;
            }
        }
        boolean fits = inferred == 0 ? known == shape[d] : inferred == 1 && known > 0 && shape[d] % known == 0;
        if (!fits) {
            throw new IllegalArgumentException("unflatten: Provided sizes " + ConvNd.tuple(unflattenedSize)
                    + " don't multiply up to the size of dim " + dim + " (" + shape[d] + ") in the input tensor "
                    + Arrays.toString(shape));
        }
        int[] out = new int[shape.length - 1 + unflattenedSize.length];
        System.arraycopy(shape, 0, out, 0, d);
        System.arraycopy(unflattenedSize, 0, out, d, unflattenedSize.length);
        System.arraycopy(shape, d + 1, out, d + unflattenedSize.length, shape.length - d - 1);
        return x.reshape(out);
    }

    /** @return the dimension unflattened */
    public int dim() {
        return dim;
    }

    /** @return the new sizes (a copy) */
    public int[] unflattenedSize() {
        return unflattenedSize.clone();
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", unflattened_size=" + ConvNd.tuple(unflattenedSize);
    }
}
