package io.clgrad.nn;

import io.clgrad.Tensor;
import java.util.function.UnaryOperator;

/**
 * A module without parameters that applies one function with arguments fixed at construction
 * ({@link ELU}, {@link LeakyReLU}, {@link GELU}, {@link Hardtanh}, {@link Softplus}, {@link Softmax},
 * {@link LogSoftmax}): its forward is the function, its print those arguments.
 *
 * @param <M> the concrete module
 */
abstract class FixedArgsModule<M extends FixedArgsModule<M>> extends Module<M> {
    private final UnaryOperator<Tensor> function;
    private final String args;

    /**
     * @param function the input's image, with the module's arguments bound
     * @param args     the arguments as PyTorch prints them, {@code alpha=1.0}
     */
    FixedArgsModule(UnaryOperator<Tensor> function, String args) {
        this.function = function;
        this.args = args;
    }

    /**
     * The function of the input.
     *
     * @param x any shape the function takes
     * @return the function's output, the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return function.apply(x);
    }

    /** The arguments, {@code alpha=1.0}. */
    @Override
    protected String extraRepr() {
        return args;
    }
}
