package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * During training, zeroes each element of the input with probability {@code p} and scales the
 * others by {@code 1/(1-p)}, so that the expected value is unchanged; in evaluation mode it
 * returns the input (PyTorch's {@code torch.nn.Dropout}). The mask is {@code rand < 1-p} drawn
 * from the global generator, so {@link Tensor#manualSeed(long)} makes it reproducible.
 *
 * <p>Parameters: {@code p} — probability of an element to be zeroed (default 0.5).
 *
 * <p>Shapes: input any shape; output the same shape.
 *
 * <pre>{@code
 * Dropout m = new Dropout(0.2);
 * Tensor y = m.forward(Tensor.randn(20, 16));   // training mode: about 20% zeros, rest × 1.25
 * m.eval();                                     // now the identity
 * }</pre>
 */
public class Dropout extends DropoutBase<Dropout> {
    /** Dropout with p = 0.5. */
    public Dropout() {
        this(0.5);
    }

    /**
     * Dropout with probability {@code p}.
     *
     * @param p probability of an element to be zeroed, in [0, 1]
     * @throws IllegalArgumentException when p is outside [0, 1]
     */
    public Dropout(double p) {
        super(p);
    }

    /** One mask value per element: the input's shape. */
    @Override
    protected int[] maskShape(Tensor x) {
        return x.shape();
    }

    /** A double as Python's {@code repr} prints it in the common cases (0.5, 0.1, 1e-05). */
    static String pyFloat(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e16) {
            return (long) v + ".0";
        }
        String s = Double.toString(v);
        if (s.contains("E")) {
            // Java: 1.0E-5 -> Python: 1e-05
            String[] parts = s.split("E");
            String mant = parts[0].endsWith(".0") ? parts[0].substring(0, parts[0].length() - 2) : parts[0];
            int exp = Integer.parseInt(parts[1]);
            return mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return s;
    }
}
