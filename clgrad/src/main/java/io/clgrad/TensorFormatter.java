package io.clgrad;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints tensors exactly as PyTorch's {@code torch._tensor_str} does with default print options:
 * precision 4, line width 80, summarised with 3 edge items when there are more than 1000 elements,
 * integer-valued floats as {@code 1.}, scientific notation when the magnitudes call for it, every
 * element padded to one width.
 */
final class TensorFormatter {
    private static final PrintOptions OPTIONS = PrintOptions.DEFAULT;

    private TensorFormatter() {
    }

    static String format(Tensor t) {
        if (t.isClosed()) {
            return "tensor(<closed>, shape=" + Shape.str(t.shapeRef()) + ")";
        }
        int[] shape = t.shapeRef();
        List<String> suffixes = new ArrayList<>();
        if (!t.device().isCpu()) {
            suffixes.add("device='" + t.device().id() + "'");
        }
        String prefix = "tensor(";
        int indent = prefix.length();
        String body;
        if (t.numel() == 0) {
            body = "[]";
            if (!(shape.length == 1 && shape[0] == 0)) {
                suffixes.add("size=" + pyTuple(shape));
            }
        } else {
            double[] values = values(t);
            boolean summarize = t.numel() > OPTIONS.threshold();
            Element fmt = new Element(t.dtype(), summaryValues(values, shape, summarize));
            body = tensorStr(values, shape, 0, 0, indent, summarize, fmt);
        }
        if (t.dtype() == DType.INT32) {   // PyTorch names every dtype but its defaults (float32, int64, bool)
            suffixes.add("dtype=" + t.dtype());
        }
        if (t.gradFn() != null) {
            suffixes.add("grad_fn=" + t.gradFn());
        } else if (t.requiresGrad()) {
            suffixes.add("requires_grad=True");
        }
        return addSuffixes(prefix + body, suffixes, indent);
    }

    private static double[] values(Tensor t) {
        double[] v = new double[t.numel()];
        if (t.dtype() == DType.INT32) {
            int[] ints = t.toIntArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = ints[i];
            }
        } else {
            float[] f = t.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] = f[i];
            }
        }
        return v;
    }

    /** Recursively prints the sub-tensor starting at flat index {@code base}, at depth {@code dim}. */
    private static String tensorStr(double[] v, int[] shape, int dim, int base, int indent, boolean summarize, Element fmt) {
        int rank = shape.length;
        if (rank == 0) {
            return fmt.format(v[0]);
        }
        int size = shape[dim];
        int step = Shape.prod(shape, dim + 1, rank);
        if (dim == rank - 1) {
            return vectorStr(v, size, base, indent, summarize, fmt);
        }
        List<String> slices = new ArrayList<>();
        for (int i : indices(size, summarize)) {
            slices.add(i < 0 ? "..." : tensorStr(v, shape, dim + 1, base + i * step, indent + 1, summarize, fmt));
        }
        String sep = "," + "\n".repeat(rank - dim - 1) + " ".repeat(indent + 1);
        return "[" + String.join(sep, slices) + "]";
    }

    private static String vectorStr(double[] v, int size, int base, int indent, boolean summarize, Element fmt) {
        int elementLength = fmt.width + 2;
        int perLine = Math.max(1, (int) Math.floor((OPTIONS.lineWidth() - indent) / (double) elementLength));
        List<String> data = new ArrayList<>();
        for (int i : indices(size, summarize)) {
            data.add(i < 0 ? " ..." : fmt.format(v[base + i]));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < data.size(); i += perLine) {
            lines.add(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
        }
        return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }

    /** Indices to print along a dim; -1 marks the "..." of a summarised dim. */
    private static int[] indices(int size, boolean summarize) {
        if (summarize && size > 2 * OPTIONS.edgeItems()) {
            int[] idx = new int[2 * OPTIONS.edgeItems() + 1];
            for (int i = 0; i < OPTIONS.edgeItems(); i++) {
                idx[i] = i;
                idx[OPTIONS.edgeItems() + 1 + i] = size - OPTIONS.edgeItems() + i;
            }
            idx[OPTIONS.edgeItems()] = -1;
            return idx;
        }
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        return idx;
    }

    /** The values the formatter sizes itself on: all of them, or only the printed edges. */
    private static double[] summaryValues(double[] v, int[] shape, boolean summarize) {
        if (!summarize) {
            return v;
        }
        List<Double> kept = new ArrayList<>();
        collect(v, shape, 0, 0, kept);
        double[] out = new double[kept.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = kept.get(i);
        }
        return out;
    }

    private static void collect(double[] v, int[] shape, int dim, int base, List<Double> out) {
        if (shape.length == 0) {
            out.add(v[0]);
            return;
        }
        int step = Shape.prod(shape, dim + 1, shape.length);
        for (int i : indices(shape[dim], true)) {
            if (i < 0) {
                continue;
            }
            if (dim == shape.length - 1) {
                out.add(v[base + i]);
            } else {
                collect(v, shape, dim + 1, base + i * step, out);
            }
        }
    }

    private static String addSuffixes(String tensorStr, List<String> suffixes, int indent) {
        StringBuilder sb = new StringBuilder(tensorStr);
        int lastLineLen = tensorStr.length() - tensorStr.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLen + suffix.length() + 2 > OPTIONS.lineWidth()) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLen = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLen += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    private static String pyTuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * PyTorch's {@code _Formatter}: picks int/fixed/scientific mode and one width for all elements
     * ({@code True}/{@code False} for bool).
     */
    private static final class Element {
        private final boolean floating;
        private final boolean bool;
        private boolean intMode = true;
        private boolean sciMode;
        private int width = 1;

        Element(DType dtype, double[] values) {
            this.floating = dtype == DType.FLOAT32;
            this.bool = dtype == DType.BOOL;
            if (!floating) {
                for (double x : values) {
                    width = Math.max(width, text(x).length());
                }
                return;
            }
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            boolean any = false;
            for (double x : values) {
                if (Double.isFinite(x) && x != 0) {
                    any = true;
                    min = Math.min(min, Math.abs(x));
                    max = Math.max(max, Math.abs(x));
                    if (x != Math.ceil(x)) {
                        intMode = false;
                    }
                }
            }
            if (!any) {
                return;
            }
            if (intMode) {
                sciMode = max / min > 1000.0 || max > 1.0e8;
            } else {
                sciMode = max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4;
            }
            for (double x : values) {
                if (Double.isFinite(x) && x != 0) {
                    String s = sciMode ? sci(x) : intMode ? fixed(x, 0) + "." : fixed(x, OPTIONS.precision());
                    width = Math.max(width, s.length());
                }
            }
        }

        /** An integer or bool element as PyTorch prints it. */
        private String text(double x) {
            return bool ? (x != 0 ? "True" : "False") : Long.toString((long) x);
        }

        String format(double x) {
            String s;
            if (!floating) {
                s = text(x);
            } else if (sciMode) {
                s = sci(x);
            } else if (intMode) {
                s = fixed(x, 0);
                if (Double.isFinite(x)) {
                    s += ".";
                }
            } else {
                s = fixed(x, OPTIONS.precision());
            }
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }

    /** Python's {@code '{:.Nf}'.format(x)}: exact binary value, round half to even. */
    static String fixed(double x, int digits) {
        if (!Double.isFinite(x)) {
            return nonFinite(x);
        }
        String s = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = x < 0 || (x == 0 && 1 / x < 0);
        return negative && !s.startsWith("-") ? "-" + s : s;
    }

    /** Python's {@code '{:.4e}'.format(x)}, e.g. {@code 1.2346e-05}. */
    static String sci(double x) {
        if (!Double.isFinite(x)) {
            return nonFinite(x);
        }
        if (x == 0) {
            return (1 / x < 0 ? "-" : "") + "0." + "0".repeat(OPTIONS.precision()) + "e+00";
        }
        int significant = OPTIONS.precision() + 1;
        BigDecimal d = new BigDecimal(x).round(new java.math.MathContext(significant, RoundingMode.HALF_EVEN));
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        digits = (digits + "0".repeat(significant)).substring(0, significant);
        String exp = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
        return (x < 0 ? "-" : "") + digits.charAt(0) + "." + digits.substring(1) + "e" + exp;
    }

    private static String nonFinite(double x) {
        return Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    }
}
