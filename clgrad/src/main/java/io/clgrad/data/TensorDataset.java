package io.clgrad.data;

import io.clgrad.Shape;
import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * A dataset of tensors that share their first dimension, as PyTorch's {@code TensorDataset}:
 * sample {@code i} is row {@code i} of each tensor.
 *
 * <p>The tensors are copied to the host when the dataset is built (later changes to them are not
 * seen). A {@link DataLoader} over a {@code TensorDataset} (or a {@link Subset} of one) gathers
 * batch rows straight from these host arrays, without per-sample tensors.
 *
 * <p>Shapes: tensors {@code [N, *]}; {@code get(i)} returns one tensor of shape {@code [*]} per
 * tensor (a scalar {@code []} for a tensor {@code [N]}); int32 tensors give int32 rows.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(100, 2);
 * Tensor y = Tensor.of(new int[100], 100);
 * TensorDataset d = new TensorDataset(x, y);
 * Tensor[] s = d.get(3);           // {x[3] of shape [2], y[3] of shape []}
 * }</pre>
 */
public final class TensorDataset implements Dataset<Tensor[]> {
    private final HostArray[] fields;

    /**
     * Builds the dataset from host copies of {@code tensors}.
     *
     * @param tensors one or more tensors, each with at least one dimension and the same size along dim 0
     * @throws IllegalArgumentException when no tensor is given, a tensor is a scalar, or the sizes
     *                                  along dim 0 differ (naming the shapes)
     */
    public TensorDataset(Tensor... tensors) {
        if (tensors == null || tensors.length == 0) {
            throw new IllegalArgumentException("TensorDataset: at least one tensor is needed");
        }
        for (Tensor t : tensors) {
            if (t.dim() == 0) {
                throw new IllegalArgumentException("TensorDataset: tensors need at least one dimension, got a scalar");
            }
        }
        int n = tensors[0].shape(0);
        for (Tensor t : tensors) {
            if (t.shape(0) != n) {
                StringBuilder sb = new StringBuilder();
                for (Tensor u : tensors) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(Shape.str(u.shape()));
                }
                throw new IllegalArgumentException("TensorDataset: size mismatch between tensors along dim 0: " + sb);
            }
        }
        this.fields = new HostArray[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            fields[i] = new HostArray(tensors[i]);
        }
    }

    private TensorDataset(HostArray[] fields) {
        this.fields = fields;
    }

    /** A dataset over host arrays already built (not copied); they must share their size along dim 0. */
    static TensorDataset ofHost(HostArray... fields) {
        for (HostArray f : fields) {
            if (f.rows() != fields[0].rows()) {
                throw new IllegalArgumentException("TensorDataset: size mismatch between tensors along dim 0");
            }
        }
        return new TensorDataset(fields.clone());
    }

    /**
     * The tensors, as new CPU tensors holding the host copies.
     *
     * @return one tensor per field, shapes {@code [N, *]}
     */
    public Tensor[] tensors() {
        Tensor[] out = new Tensor[fields.length];
        for (int i = 0; i < fields.length; i++) {
            out[i] = fields[i].toTensor();
        }
        return out;
    }

    /**
     * The number of tensors (fields) in each sample.
     *
     * @return the number of tensors given to the constructor
     */
    public int numFields() {
        return fields.length;
    }

    @Override
    public int size() {
        return fields[0].rows();
    }

    /**
     * Row {@code index} of each tensor, as new CPU tensors.
     *
     * @param index {@code 0 <= index < size()}
     * @return one tensor per field, shape {@code [*]}
     */
    @Override
    public Tensor[] get(int index) {
        java.util.Objects.checkIndex(index, size());
        Tensor[] out = new Tensor[fields.length];
        for (int i = 0; i < fields.length; i++) {
            out[i] = fields[i].row(index);
        }
        return out;
    }

    /** The host arrays, for {@link DataLoader}'s fast path. */
    HostArray[] fields() {
        return fields;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TensorDataset(size=" + size() + ", fields=[");
        for (int i = 0; i < fields.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(fields[i].dtype()).append(Arrays.toString(fields[i].shape()));
        }
        return sb.append("])").toString();
    }
}
