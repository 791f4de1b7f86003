package io.clgrad.nn;

import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * Flattens a contiguous range of dimensions into one, as PyTorch's {@code torch.nn.Flatten}.
 *
 * <p>Parameters: {@code startDim} — first dim to flatten (default 1, keeping the batch);
 * {@code endDim} — last dim to flatten (default -1). Negative dims count from the end.
 *
 * <p>Shapes: input {@code [*, S_start, ..., S_end, *]}; output {@code [*, ∏ S_i, *]}.
 *
 * <pre>{@code
 * Tensor y = new Flatten().forward(Tensor.randn(32, 1, 28, 28));   // [32, 784]
 * }</pre>
 */
public class Flatten extends Module<Flatten> {
    private final int startDim;
    private final int endDim;

    /** Flattens every dimension but the first. */
    public Flatten() {
        this(1, -1);
    }

    /**
     * Flattens dimensions {@code startDim} to {@code endDim}, both included.
     *
     * @param startDim first dim to flatten
     * @param endDim   last dim to flatten
     */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /**
     * The input reshaped with dims {@code startDim..endDim} merged (a view when the layout allows).
     *
     * @param x at least one dimension
     * @return the flattened tensor
     * @throws IllegalArgumentException when a dim is out of range or start comes after end
     */
    @Override
    public Tensor forward(Tensor x) {
        int[] shape = x.shape();
        int rank = Math.max(shape.length, 1);
        int s = normalize(startDim, rank, shape);
        int e = normalize(endDim, rank, shape);
        if (s > e) {
            throw new IllegalArgumentException("flatten() has invalid args: start_dim (" + startDim
                    + ") cannot come after end_dim (" + endDim + ") for input shape " + Arrays.toString(shape));
        }
        if (shape.length == 0) {
            return x.reshape(1);
        }
        int[] out = new int[shape.length - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) {
            out[k++] = shape[i];
        }
        int prod = 1;
        for (int i = s; i <= e; i++) {
            prod *= shape[i];
        }
        out[k++] = prod;
        for (int i = e + 1; i < shape.length; i++) {
            out[k++] = shape[i];
        }
        return x.reshape(out);
    }

    private static int normalize(int dim, int rank, int[] shape) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException("Flatten: dimension out of range (expected to be in range of ["
                    + (-rank) + ", " + (rank - 1) + "], but got " + dim + ") for input shape " + Arrays.toString(shape));
        }
        return d;
    }

    /** {@code start_dim=1, end_dim=-1}. */
    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
