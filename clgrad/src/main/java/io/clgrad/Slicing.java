package io.clgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The views that cut a tensor: {@code select}, {@code narrow}, {@code slice} with a step,
 * {@code split}, {@code chunk} and {@code unbind}, with PyTorch's argument rules and messages.
 * Each is a new offset, shape and strides on the same storage (so it shares the version counter
 * and writes through it reach the base); its backward writes the upstream gradient into zeros of
 * the input's shape through the same cut ({@code Backend.copyInto}).
 */
final class Slicing {
    private Slicing() {
    }

    /** Where a view's elements lie in its storage: a tensor's offset, shape and strides. */
    record Geometry(int offset, int[] shape, int[] strides) {
        static Geometry of(Tensor t) {
            return new Geometry(t.offset(), t.shapeRef().clone(), t.stridesRef().clone());
        }

        /** A row-major tensor of {@code shape} from element 0. */
        static Geometry dense(int[] shape) {
            return new Geometry(0, shape.clone(), io.clgrad.backend.StridedView.contiguousStrides(shape));
        }

        /** Index {@code index} (in range) of dimension {@code dim}, which goes. */
        Geometry select(int dim, int index) {
            return new Geometry(offset + index * strides[dim], without(shape, dim), without(strides, dim));
        }

        /** Elements {@code start, start + step, ...} ({@code length} of them) of dimension {@code dim}. */
        Geometry slice(int dim, int start, int length, int step) {
            int[] s = shape.clone();
            int[] st = strides.clone();
            s[dim] = length;
            st[dim] = strides[dim] * step;
            return new Geometry(length == 0 ? offset : offset + start * strides[dim], s, st);
        }

        /** A size-1 dimension inserted at {@code dim} (in [0, rank]). */
        Geometry unsqueeze(int dim) {
            int rank = shape.length;
            int[] s = new int[rank + 1];
            int[] st = new int[rank + 1];
            for (int i = 0, j = 0; i <= rank; i++) {
                if (i == dim) {
                    s[i] = 1;
                    st[i] = j < rank ? strides[j] * shape[j] : 1;
                } else {
                    s[i] = shape[j];
                    st[i] = strides[j++];
                }
            }
            return new Geometry(offset, s, st);
        }

        private static int[] without(int[] a, int i) {
            int[] r = new int[a.length - 1];
            System.arraycopy(a, 0, r, 0, i);
            System.arraycopy(a, i + 1, r, i, a.length - i - 1);
            return r;
        }
    }

    /**
     * The view {@code cut} makes of {@code t}'s geometry, recorded as {@code node}: its backward
     * writes the gradient into zeros of {@code t}'s shape through the same cut.
     */
    static Tensor view(Tensor t, String node, UnaryOperator<Geometry> cut) {
        Geometry g = cut.apply(Geometry.of(t));
        Tensor out = t.restride(g.offset(), g.shape(), g.strides());
        int[] from = t.shapeRef().clone();
        return Graph.record(out, node, new Tensor[] {t}, grad -> new Tensor[] {unview(grad, from, cut)});
    }

    /** Zeros of shape {@code from} with {@code grad} written into the elements {@code cut} picks. */
    private static Tensor unview(Tensor grad, int[] from, UnaryOperator<Geometry> cut) {
        Tensor zeros = Factories.full(grad.device(), 0f, from);
        Geometry g = cut.apply(Geometry.dense(from));
        try (Tensor window = zeros.restride(g.offset(), g.shape(), g.strides())) {
            window.copyFrom(grad);
        }
        return zeros;
    }

    /** {@code dim} normalised for a view op that needs at least one dimension. */
    private static int dimOf(String op, Tensor t, int dim) {
        t.checkOpen(op);
        if (t.dim() == 0) {
            throw new IllegalArgumentException(op + ": cannot be applied to a 0-dim tensor");
        }
        return Shape.normalizeDim(op, dim, t.shapeRef());
    }

    static Tensor select(Tensor t, int dim, int index) {
        int d = dimOf("select", t, dim);
        int size = t.shapeRef()[d];
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("select: index " + index + " out of range for tensor of size "
                    + Shape.str(t.shapeRef()) + " at dimension " + d);
        }
        int i = index < 0 ? index + size : index;
        return view(t, "SelectBackward0", g -> g.select(d, i));
    }

    static Tensor narrow(Tensor t, int dim, int start, int length) {
        int d = dimOf("narrow", t, dim);
        int size = t.shapeRef()[d];
        if (length < 0) {
            throw new IllegalArgumentException("narrow: length must be non-negative, got " + length);
        }
        if (start < -size || start > size) {
            throw new IndexOutOfBoundsException("narrow: start out of range (expected to be in range of [" + -size
                    + ", " + size + "], but got " + start + ") for dimension " + d + " of shape " + Shape.str(t.shapeRef()));
        }
        int s = start < 0 ? start + size : start;
        if ((long) s + length > size) {
            throw new IllegalArgumentException("narrow: start (" + s + ") + length (" + length
                    + ") exceeds dimension size (" + size + ") of dimension " + d + " of shape " + Shape.str(t.shapeRef()));
        }
        return view(t, "SliceBackward0", g -> g.slice(d, s, length, 1));
    }

    /**
     * Python's {@code t[start:end:step]} along {@code dim}: negative bounds count from the end, and
     * bounds outside the dimension are clamped to it (an empty slice, not an error).
     */
    static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int d = dimOf("slice", t, dim);
        int[] range = sliceRange("slice", t.shapeRef()[d], start, end, step);
        return view(t, "SliceBackward0", g -> g.slice(d, range[0], range[1], step));
    }

    /** {@code {start, length}} of {@code start:end:step} over a dimension of {@code size}, clamped as PyTorch. */
    static int[] sliceRange(String op, int size, long start, long end, int step) {
        if (step <= 0) {
            throw new IllegalArgumentException(op + ": slice step must be positive, got " + step);
        }
        long s = start < 0 ? start + size : start;
        long e = end < 0 ? end + size : end;
        s = Math.min(Math.max(s, 0), size);
        e = Math.min(Math.max(e, s), size);
        return new int[] {(int) s, (int) ((e - s + step - 1) / step)};
    }

    static List<Tensor> split(Tensor t, int splitSize, int dim) {
        int d = dimOf("split", t, dim);
        int size = t.shapeRef()[d];
        if (splitSize < 0) {
            throw new IllegalArgumentException("split: expects split_size be non-negative, but got split_size=" + splitSize);
        }
        if (splitSize == 0 && size != 0) {
            throw new IllegalArgumentException("split: split_size can only be 0 if dimension size is 0, but got"
                    + " dimension size of " + size + " (dimension " + d + " of shape " + Shape.str(t.shapeRef()) + ")");
        }
        int pieces = splitSize == 0 ? 1 : Math.max((int) (((long) size + splitSize - 1) / splitSize), 1);
        int[] sizes = new int[pieces];
        for (int i = 0; i < pieces; i++) {
            sizes[i] = Math.min(splitSize, size - i * splitSize);
        }
        return pieces(t, d, sizes, "SplitBackward0");
    }

    static List<Tensor> split(Tensor t, int[] sizes, int dim) {
        int d = dimOf("split", t, dim);
        int size = t.shapeRef()[d];
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: split_with_sizes expects split_sizes have only non-negative"
                        + " entries, but got split_sizes=" + Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != size) {
            throw new IllegalArgumentException("split: split_with_sizes expects split_sizes to sum exactly to " + size
                    + " (input tensor's size at dimension " + d + "), but got split_sizes=" + Arrays.toString(sizes));
        }
        return pieces(t, d, sizes.clone(), "SplitWithSizesBackward0");
    }

    static List<Tensor> chunk(Tensor t, int chunks, int dim) {
        int d = dimOf("chunk", t, dim);
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: expects `chunks` to be greater than 0, got: " + chunks);
        }
        int size = t.shapeRef()[d];
        if (size == 0) {   // PyTorch gives `chunks` empty pieces here, and one piece of split(0) otherwise
            return pieces(t, d, new int[chunks], "SplitWithSizesBackward0");
        }
        return split(t, (int) (((long) size + chunks - 1) / chunks), d);
    }

    static List<Tensor> unbind(Tensor t, int dim) {
        int d = dimOf("unbind", t, dim);
        int size = t.shapeRef()[d];
        List<Tensor> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int index = i;
            out.add(view(t, "UnbindBackward0", g -> g.select(d, index)));
        }
        return List.copyOf(out);
    }

    /** Consecutive narrow views of lengths {@code sizes} along {@code dim}, each its own node. */
    private static List<Tensor> pieces(Tensor t, int dim, int[] sizes, String node) {
        List<Tensor> out = new ArrayList<>(sizes.length);
        int start = 0;
        for (int len : sizes) {
            int s = start;
            out.add(view(t, node, g -> g.slice(dim, s, len, 1)));
            start += len;
        }
        return List.copyOf(out);
    }
}
