package io.clgrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Basic indexing, {@link Tensor#get(Index...)}: integers, slices, {@code ...} and new axes, applied
 * left to right as PyTorch's {@code x[...]} does, giving one view (one recorded node, named after
 * the last entry's op as PyTorch names it: SelectBackward0, SliceBackward0, UnsqueezeBackward0, or
 * AliasBackward0 when nothing is cut).
 */
final class Indexing {
    private Indexing() {
    }

    static Tensor get(Tensor t, Index[] indices) {
        t.checkOpen("get");
        int[] shape = t.shapeRef();
        int consumed = 0;
        int ellipses = 0;
        for (Index i : indices) {
            if (i == null) {
                throw new IllegalArgumentException("get: index entry is null in " + Arrays.toString(indices));
            }
            switch (i.kind) {
                case AT, SLICE -> consumed++;
                case ELLIPSIS -> ellipses++;
                default -> { }
            }
        }
        if (ellipses > 1) {
            throw new IllegalArgumentException("get: an index can only have a single ellipsis ('...'), got "
                    + text(indices));
        }
        if (consumed > shape.length) {
            throw new IndexOutOfBoundsException(shape.length == 0 && indices[0].kind == Index.Kind.AT
                    ? "get: invalid index of a 0-dim tensor; use item() to read its value"
                    : "get: too many indices for tensor of dimension " + shape.length + " (shape " + Shape.str(shape)
                    + "): " + text(indices));
        }
        // resolve every entry against the input's shape: the cut is then plain arithmetic on a geometry
        List<UnaryOperator<Slicing.Geometry>> steps = new ArrayList<>();
        String node = "AliasBackward0";
        int in = 0;    // the input dimension the next entry indexes
        int out = 0;   // where that dimension sits in the result so far
        for (Index i : indices) {
            switch (i.kind) {
                case AT -> {
                    int size = shape[in];
                    if (i.index < -size || i.index >= size) {
                        throw new IndexOutOfBoundsException("get: index " + i.index + " is out of bounds for dimension "
                                + in + " with size " + size + " (shape " + Shape.str(shape) + ", index " + text(indices) + ")");
                    }
                    int at = i.index < 0 ? i.index + size : i.index;
                    int d = out;
                    steps.add(g -> g.select(d, at));
                    node = "SelectBackward0";
                    in++;
                }
                case SLICE -> {
                    int size = shape[in];
                    int[] r = Slicing.sliceRange("get", size, i.start == null ? 0 : i.start,
                            i.stop == null ? size : i.stop, i.step);
                    int d = out;
                    int step = i.step;
                    steps.add(g -> g.slice(d, r[0], r[1], step));
                    node = "SliceBackward0";
                    in++;
                    out++;
                }
                case NEW_AXIS -> {
                    int d = out;
                    steps.add(g -> g.unsqueeze(d));
                    node = "UnsqueezeBackward0";
                    out++;
                }
                case ELLIPSIS -> {
                    int skip = shape.length - consumed;
                    in += skip;
                    out += skip;
                }
            }
        }
        return Slicing.view(t, node, g -> {
            Slicing.Geometry r = g;
            for (UnaryOperator<Slicing.Geometry> s : steps) {
                r = s.apply(r);
            }
            return r;
        });
    }

    /** The index as Python writes it, e.g. {@code [:, 1:5]}. */
    private static String text(Index[] indices) {
        StringBuilder b = new StringBuilder("[");
        for (int k = 0; k < indices.length; k++) {
            b.append(k == 0 ? "" : ", ").append(indices[k]);
        }
        return b.append(']').toString();
    }
}
