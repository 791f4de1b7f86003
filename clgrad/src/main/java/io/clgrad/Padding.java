package io.clgrad;

import java.util.Arrays;

/**
 * {@code torch.nn.functional.pad}: the pad list names the last dim first ({@code (left, right)} of
 * the last dim, then of the one before, ...), negative values crop. Each padded dim gets an index
 * table, PyTorch's own: {@code constant} fills where the table has no source, {@code reflect}
 * mirrors without repeating the edge, {@code replicate} repeats the edge, {@code circular} wraps
 * around; the output is the input copied by those tables in strided runs ({@link RunCopy}). The
 * gradient of constant padding is the opposite padding of the output's gradient (PyTorch's rule);
 * that of the others sums each output element's gradient onto the input element it came from,
 * one dim at a time ({@link RunCopy#adjoint}), the same sums in the same order on every device.
 */
final class Padding {
    static final String OP = "pad";

    private Padding() {
    }

    /** The padding modes, by PyTorch's names. */
    private enum Mode {
        CONSTANT, REFLECT, REPLICATE, CIRCULAR;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Mode of(String name) {
            for (Mode m : values()) {
                if (m.label().equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(OP + ": unrecognised padding mode "
                    + (name == null ? "null" : "'" + name + "'")
                    + " (expected 'constant', 'reflect', 'replicate' or 'circular')");
        }
    }

    static Tensor pad(Tensor x, int[] pad, String modeName, double value) {
        x.checkOpen(OP);
        Mode mode = Mode.of(modeName);
        if (pad == null || pad.length % 2 != 0) {
            throw new IllegalArgumentException(OP + ": padding length must be divisible by 2, got "
                    + (pad == null ? "null" : pad.length + " values " + Arrays.toString(pad)));
        }
        int[] shape = x.shapeRef();
        int k = pad.length / 2;
        if (k > shape.length) {
            throw new IllegalArgumentException(OP + ": padding length too large: " + pad.length + " values pad " + k
                    + " dimensions, but the input " + Shape.str(shape) + " has " + shape.length);
        }
        if (mode != Mode.CONSTANT) {
            checkNonConstant(x, pad, mode, value);
        }
        int[] dims = new int[k];
        int[][] maps = new int[k][];
        for (int j = 0; j < k; j++) {
            int d = shape.length - 1 - j;
            dims[j] = d;
            maps[j] = table(mode, shape, d, pad[2 * j], pad[2 * j + 1]);
        }
        Tensor out = RunCopy.gather(OP, x, dims, maps, mode == Mode.CONSTANT ? value : 0);
        int[] sizes = shape.clone();
        if (mode == Mode.CONSTANT) {
            int[] back = new int[pad.length];
            for (int i = 0; i < pad.length; i++) {
                back[i] = -pad[i];
            }
            return Graph.record(out, "ConstantPadNdBackward0", new Tensor[] {x},
                    g -> new Tensor[] {pad(g, back, "constant", 0)});
        }
        String node = switch (mode) {
            case REFLECT -> "ReflectionPad" + k + "DBackward0";
            case REPLICATE -> "ReplicationPad" + k + "DBackward0";
            default -> "CircularPad" + k + "DBackward0";
        };
        return Graph.record(out, node, new Tensor[] {x}, g -> new Tensor[] {adjoint(g, dims, maps, sizes)});
    }

    /** The gradient of a non-constant padding: each dim's table summed back, one dim after the other. */
    private static Tensor adjoint(Tensor g, int[] dims, int[][] maps, int[] sizes) {
        Tensor r = g;
        for (int j = 0; j < dims.length; j++) {
            Tensor next = RunCopy.adjoint(OP, r, dims[j], maps[j], sizes[dims[j]]);
            Checks.closeTemp(r, g);
            r = next;
        }
        return r;
    }

    /** The input index each output index of dim {@code d} reads, or -1 where constant padding fills. */
    private static int[] table(Mode mode, int[] shape, int d, int left, int right) {
        int n = shape[d];
        long outSize = (long) n + left + right;
        if (mode == Mode.CONSTANT && outSize < 0) {
            throw new IllegalArgumentException(OP + ": the input size " + n + ", plus negative padding " + left
                    + " and " + right + " resulted in a negative output size, which is invalid. Check dimension " + d
                    + " of your input " + Shape.str(shape));
        }
        if (outSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(OP + ": padding (" + left + ", " + right + ") makes dimension " + d
                    + " of input " + Shape.str(shape) + " larger than " + Integer.MAX_VALUE);
        }
        int[] map = new int[(int) outSize];
        int iStart = Math.max(0, -left);
        int oStart = Math.max(0, left);
        for (int o = 0; o < map.length; o++) {
            int i;
            switch (mode) {
                case CONSTANT -> {
                    int src = o - left;
                    i = src >= 0 && src < n ? src : -1;
                }
                case REFLECT -> {
                    int ip = o < left ? 2 * left - o : o < n + left ? o : 2 * (n + left - 1) - o;
                    i = ip - oStart + iStart;
                }
                case REPLICATE -> {
                    int ip = o < left ? left : o < n + left ? o : n + left - 1;
                    i = ip - oStart + iStart;
                }
                default -> {
                    int kept = n - iStart - Math.max(0, -right);
                    i = iStart + Math.floorMod(o - oStart, kept);
                }
            }
            if (i < -1 || i >= n || (i == -1 && mode != Mode.CONSTANT)) {
                throw new IllegalArgumentException(OP + ": padding (" + left + ", " + right + ") of dimension " + d
                        + " of input " + Shape.str(shape) + " reads outside the input in mode '" + mode.label() + "'");
            }
            map[o] = i;
        }
        return map;
    }

    /** PyTorch's limits of the reflect, replicate and circular modes. */
    private static void checkNonConstant(Tensor x, int[] pad, Mode mode, double value) {
        if (value != 0) {
            throw new IllegalArgumentException(OP + ": padding mode \"" + mode.label()
                    + "\" doesn't take in value argument (got " + value + ")");
        }
        Checks.float32(OP, x);
        int[] shape = x.shapeRef();
        int k = pad.length / 2;
        if (k < 1 || k > 3 || (shape.length != k + 1 && shape.length != k + 2)) {
            throw new IllegalArgumentException(OP + ": mode '" + mode.label() + "' pads the last 1, 2 or 3 dimensions of"
                    + " a 2-D to 5-D input: padding of length 2 needs a 2-D or 3-D input, 4 a 3-D or 4-D, 6 a 4-D or 5-D;"
                    + " got padding of length " + pad.length + " for an input of shape " + Shape.str(shape));
        }
        int first = shape.length == k + 2 ? 1 : 0;
        for (int d = first; d < shape.length; d++) {
            if (shape[d] == 0) {
                throw new IllegalArgumentException(OP + ": expected a " + (k + 1) + "-D or " + (k + 2) + "-D (batch mode)"
                        + " tensor with possibly 0 batch size and other non-zero dimensions for input, but got: "
                        + Shape.str(shape));
            }
        }
        String[] names = {"D", "H", "W"};
        for (int j = 0; j < k; j++) {
            int d = shape.length - 1 - j;
            int n = shape[d];
            int left = pad[2 * j];
            int right = pad[2 * j + 1];
            if (mode == Mode.REFLECT && (left >= n || right >= n)) {
                throw new IllegalArgumentException(OP + ": padding size should be less than the corresponding input"
                        + " dimension, but got: padding (" + left + ", " + right + ") at dimension " + d + " of input "
                        + Shape.str(shape));
            }
            if (mode == Mode.CIRCULAR && (left > n || right > n)) {
                throw new IllegalArgumentException(OP + ": padding value causes wrapping around more than once:"
                        + " padding (" + left + ", " + right + ") at dimension " + d + " of input " + Shape.str(shape));
            }
            if (mode == Mode.CIRCULAR && n - Math.max(0, -left) - Math.max(0, -right) <= 0) {
                throw new IllegalArgumentException(OP + ": negative padding (" + left + ", " + right + ") removes every"
                        + " element of dimension " + d + " of input " + Shape.str(shape));
            }
            long out = (long) n + left + right;
            if (out < 1) {
                String name = names[3 - 1 - j];
                throw new IllegalArgumentException(OP + ": input (" + name + ": " + n + ") is too small for padding ("
                        + left + ", " + right + "). Calculated output " + name + ": " + out);
            }
        }
    }
}
