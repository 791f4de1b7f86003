package io.clgrad.nn;

import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.nn.init.Init;

/**
 * Applies an affine transformation to the incoming data: {@code y = x·Wᵀ + b}, as PyTorch's
 * {@code torch.nn.Linear}.
 *
 * <p>Parameters: {@code in} — size of each input sample; {@code out} — size of each output
 * sample; {@code bias} — when false, the layer learns no additive bias (default true).
 *
 * <p>Shapes: input {@code [*, in]}; output {@code [*, out]} (any leading dimensions).
 *
 * <p>Variables: {@link #weight()} {@code [out, in]} and {@link #bias()} {@code [out]}, both
 * initialised from U(-k, k) with {@code k = 1/√in} (PyTorch's {@code kaiming_uniform_(a=√5)}),
 * drawn from the global generator so that {@link Tensor#manualSeed(long)} makes them reproducible.
 *
 * <pre>{@code
 * Linear m = new Linear(20, 30);
 * Tensor output = m.forward(Tensor.randn(128, 20));   // [128, 30]
 * }</pre>
 */
public class Linear extends AffineModule<Linear> {
    private final LinearOptions options;

    /**
     * A layer with bias on the CPU.
     *
     * @param inFeatures  size of each input sample
     * @param outFeatures size of each output sample
     */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /**
     * A layer on the CPU.
     *
     * @param inFeatures  size of each input sample
     * @param outFeatures size of each output sample
     * @param bias        whether to learn an additive bias
     */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        this(inFeatures, outFeatures, bias, Device.cpu());
    }

    /**
     * A layer whose parameters are created on {@code device}.
     *
     * @param inFeatures  size of each input sample, {@code >= 0}
     * @param outFeatures size of each output sample, {@code >= 0}
     * @param bias        whether to learn an additive bias
     * @param device      where the parameters live
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Device device) {
        this.options = new LinearOptions(inFeatures, outFeatures, bias);
        registerParameter("weight", Tensor.zeros(device, outFeatures, inFeatures));
        registerParameter("bias", bias ? Tensor.zeros(device, outFeatures) : null);
        resetParameters();
    }

    /**
     * Re-initialises weight and bias as the constructor does: weight by
     * {@code kaiming_uniform(a=√5)} = U(-1/√in, 1/√in), bias by U(-1/√in, 1/√in) (0 bound when in is 0).
     */
    public void resetParameters() {
        int inFeatures = options.inFeatures();
        int outFeatures = options.outFeatures();
        if (inFeatures > 0 && outFeatures > 0) {
            Init.kaimingUniform(weight(), Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu");
        }
        Tensor b = bias();
        if (b != null && outFeatures > 0) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform(b, -bound, bound);
        }
    }

    /**
     * {@code x·Wᵀ + b}.
     *
     * @param x input {@code [*, in]}
     * @return output {@code [*, out]}
     * @throws IllegalArgumentException when the last dimension of {@code x} is not {@code in}
     *                                  (checked by {@link Functional#linear})
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.linear(x, weight(), bias());
    }

    /**
     * {@code relu(forward(x))} in one fused product (see {@link Functional#linearRelu}); used by
     * {@link Sequential} when a ReLU follows this layer and no other Linear is next to it (a run of
     * them goes to {@link Functional#linearChain}).
     *
     * @param x input [*, in_features]
     * @return [*, out_features]
     */
    Tensor forwardRelu(Tensor x) {
        return Functional.linearRelu(x, weight(), bias());
    }

    /**
     * The layer's options: the sizes of an input and an output sample, and whether it was built with a bias.
     *
     * @return the options it was built with
     */
    public LinearOptions options() {
        return options;
    }

    /** {@code in_features=2, out_features=10, bias=True}. */
    @Override
    protected String extraRepr() {
        return "in_features=" + options.inFeatures() + ", out_features=" + options.outFeatures() + ", bias="
                + py(bias() != null);
    }
}
