package io.clgrad.examples;

import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;

/**
 * The network of PyTorch's "build a simple network" chapter: {@code Linear -> ReLU -> Linear}.
 *
 * <pre>{@code
 * class SimpleNet(nn.Module):                         // PyTorch
 *     def __init__(self, input_size, hidden_size, output_size):
 *         super().__init__()
 *         self.layer_1 = nn.Linear(input_size, hidden_size)
 *         self.relu = nn.ReLU()
 *         self.layer_2 = nn.Linear(hidden_size, output_size)
 *     def forward(self, x):
 *         return self.layer_2(self.relu(self.layer_1(x)))
 * }</pre>
 */
public class SimpleNet extends Module<SimpleNet> {
    private final Linear layer_1;
    private final ReLU relu;
    private final Linear layer_2;

    /**
     * @param inputSize  features per sample
     * @param hiddenSize width of the hidden layer
     * @param outputSize outputs per sample (1 logit for binary classification)
     */
    public SimpleNet(int inputSize, int hiddenSize, int outputSize) {
        layer_1 = register("layer_1", new Linear(inputSize, hiddenSize));
        relu = register("relu", new ReLU());
        layer_2 = register("layer_2", new Linear(hiddenSize, outputSize));
    }

    /**
     * {@code layer_2(relu(layer_1(x)))}: [batch, inputSize] -> [batch, outputSize]. The first layer
     * and the ReLU run as one fused product ({@link Functional#linearRelu}, as {@code Sequential}
     * does for a Linear followed by a ReLU): the same numbers, bit for bit, and one launch fewer per
     * forward and backward on OpenCL.
     */
    @Override
    public Tensor forward(Tensor x) {
        return layer_2.forward(Functional.linearRelu(x, layer_1.weight(), layer_1.bias()));
    }

    /** The first layer (for showing its weights). */
    public Linear layer1() {
        return layer_1;
    }
}
