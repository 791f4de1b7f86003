package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.List;
import java.util.function.Function;

/**
 * One op invocation with fixed inputs: {@code run} uploads the inputs to a backend, runs the op,
 * reads every output back (widened to double) and frees what it allocated; {@code expected} holds
 * the double-precision reference and the tolerance scale of every output element.
 *
 * @param name     op and geometry, e.g. "matmul m=7 n=33 k=129 transA"
 * @param run      runs the case on a backend, returning outputs in the order of {@code expected}
 * @param expected the reference outputs
 */
public record OpCase(String name, Function<Backend, List<double[]>> run, List<Out> expected) {

    /** Convenience for a case with a single output. */
    static OpCase of(String name, Function<Backend, List<double[]>> run, Out out) {
        return new OpCase(name, run, List.of(out));
    }

    /**
     * A case whose op writes one output of {@code n} elements of {@code type}: {@code op} gets a
     * padded {@link Bufs#out} buffer to write, which is then read back with its padding checked.
     */
    static OpCase into(String name, ElementType type, int n, Into op, Out expected) {
        return of(name, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer out = m.out(type, n);
                op.run(b, m, out);
                return List.of(m.readOut(out, n));
            }
        }, expected);
    }

    /** What an {@link #into} case runs: the op on backend {@code b}, its inputs uploaded with {@code m}. */
    interface Into {
        void run(Backend b, Bufs m, Buffer out);
    }

    /**
     * One output of a case.
     *
     * @param label name of the output ("out", "loss", "param", ...)
     * @param shape its shape, for the multi-index in failure messages
     * @param value reference values
     * @param scale tolerance scale per element (see {@link Tolerance}); 0 = exact
     * @param alt   null, or a second acceptable reference (same scales) where the contract admits
     *              two readings of its inputs; an element passes if it matches either
     */
    public record Out(String label, int[] shape, double[] value, double[] scale, double[] alt) {
        /** Checks that values, scales and alternatives have one length. */
        public Out {
            if (value.length != scale.length || (alt != null && alt.length != value.length)) {
                throw new IllegalArgumentException(label + ": " + value.length + " values, " + scale.length + " scales");
            }
        }

        Out(String label, int[] shape, double[] value, double[] scale) {
            this(label, shape, value, scale, null);
        }

        /** An output whose elements are compared with {@link Tolerance#unit(double)} scales. */
        static Out unit(String label, int[] shape, double[] value) {
            return new Out(label, shape, value, Tolerance.unit(value));
        }

        /** An output compared bit-exactly. */
        static Out exact(String label, int[] shape, double[] value) {
            return new Out(label, shape, value, Tolerance.exact(value.length));
        }
    }
}
