package io.clgrad.nn;

import io.clgrad.Autograd;
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
@SuppressWarnings("try")   // scopes opened for their effect (noGrad, tensor scopes)
public class Dropout extends Module<Dropout> {
    private final double p;

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
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
    }

    /**
     * The probability of an element to be zeroed.
     *
     * @return p
     */
    public double p() {
        return p;
    }

    /**
     * {@code x · mask / (1-p)} in training mode (all zeros when p = 1), {@code x} in evaluation
     * mode or when p = 0.
     *
     * @param x any shape, float32
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0f);
        }
        return x.mul(scaledMask(x, p, x.shape()));   // the mask is saved by autograd: left to the scope or the GC
    }

    /**
     * A mask of the given shape (broadcastable to x) holding {@code 1/(1-p)} with probability 1-p
     * and 0 otherwise, drawn as {@code rand < 1-p} from the global generator on x's device.
     */
    static Tensor scaledMask(Tensor x, double p, int[] shape) {
        try (Autograd.Mode g = Autograd.noGrad();
             Tensor u = Tensor.rand(x.device(), shape);
             Tensor keep = u.lt((float) (1 - p))) {
            return keep.mul((float) (1 / (1 - p)));
        }
    }

    /** {@code p=0.5, inplace=False}. */
    @Override
    protected String extraRepr() {
        return "p=" + pyFloat(p) + ", inplace=False";
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
