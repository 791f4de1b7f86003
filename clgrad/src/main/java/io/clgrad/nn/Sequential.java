package io.clgrad.nn;

import java.util.List;

import io.clgrad.Functional;
import io.clgrad.Tensor;

/**
 * A chain of modules applied in order, as PyTorch's {@code torch.nn.Sequential}: the output of
 * each is the input of the next. The children are registered as {@code "0"}, {@code "1"}, ...,
 * so the parameters are named {@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ...
 *
 * <p>Some neighbours run fused or reordered, with the same numbers: a run of {@link Linear} layers,
 * each followed by at most one {@link ReLU}, goes to {@link Functional#linearChain} (one launch for
 * all of them in inference of up to four rows on the CPU backend; layer by layer otherwise); a
 * {@link Linear} followed by a {@link ReLU} is one product with the ReLU in its epilogue, and a
 * {@link ReLU} followed by a
 * {@link MaxPool2d} pools first and applies the ReLU to the pooled output (max-pooling and ReLU
 * commute; the ReLU and its backward then touch a quarter of the elements for a 2×2 window). A
 * {@link Conv2d} followed by a {@link BatchNorm2d} in evaluation mode runs as
 * {@link Functional#conv2dBatchNorm}: in inference (no node recorded) one convolution with the
 * normalisation folded into its weights, equal to the two layers up to float rounding. Only
 * the exact classes: a subclass's own {@code forward} always runs.
 *
 * <p>Shapes: input whatever the first module takes; output whatever the last one returns.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Linear(2, 10), new ReLU(), new Linear(10, 1));
 * System.out.println(model);
 * // Sequential(
 * //   (0): Linear(in_features=2, out_features=10, bias=True)
 * //   (1): ReLU()
 * //   (2): Linear(in_features=10, out_features=1, bias=True)
 * // )
 * }</pre>
 */
public class Sequential extends Module<Sequential> {
    /**
     * A chain of the given modules.
     *
     * @param modules the modules, in order (none may be null)
     */
    public Sequential(Module<?>... modules) {
        for (Module<?> m : modules) {
            append(m);
        }
    }

    /**
     * Appends a module at the end, named by its index.
     *
     * @param m the module
     * @return this Sequential
     */
    public Sequential append(Module<?> m) {
        register(Integer.toString(size()), m);
        return this;
    }

    /**
     * The module at {@code index} (negative counts from the end).
     *
     * @param index the position
     * @return the module
     * @throws IndexOutOfBoundsException when out of range
     */
    public Module<?> get(int index) {
        int n = size();
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for Sequential of size " + n);
        }
        return namedChildren().get(Integer.toString(i));
    }

    /**
     * The number of modules.
     *
     * @return the size
     */
    public int size() {
        return namedChildren().size();
    }

    /**
     * Applies every module in order.
     *
     * @param x the input of the first module
     * @return the output of the last module ({@code x} itself when empty)
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        List<Module<?>> layers = children();
        for (int i = 0; i < layers.size(); i++) {
            Module<?> m = layers.get(i);
            int end = linearRunEnd(layers, i);
            // a Linear followed by a ReLU runs as one fused product (same numbers, one launch fewer)
            // (exact classes only: a subclass may override forward, and then its forward must run)
            if (end - i > (reluAfter(layers, i) ? 2 : 1)) {   // two Linear layers or more: one chain
                h = linearChain(h, layers, i, end);
                i = end - 1;
            } else if (m.getClass() == Linear.class && reluAfter(layers, i)) {
                h = ((Linear) m).forwardRelu(h);
                i++;
            } else if (m.getClass() == ReLU.class && i + 1 < layers.size()
                    && layers.get(i + 1).getClass() == MaxPool2d.class) {
                // max-pooling then ReLU: the same values and gradients (ReLU is monotonic, and zero
                // where it cuts), with the ReLU and its backward on a quarter of the elements
                h = layers.get(i + 1).forward(h).relu();
                i++;
            } else if (h.dim() == 4 && foldsBatchNorm(layers, i)) {
                // a Conv2d then a BatchNorm2d in evaluation mode: one convolution, the normalisation
                // folded into its weights where nothing records a node (Functional.conv2dBatchNorm)
                h = convBatchNorm((Conv2d) m, (BatchNorm2d) layers.get(i + 1), h);
                i++;
            } else {
                h = m.forward(h);
            }
        }
        return h;
    }

    /**
     * Whether layers i and i+1 are a Conv2d with numeric padding and a BatchNorm2d in evaluation mode
     * with running statistics (the exact classes).
     */
    private static boolean foldsBatchNorm(List<Module<?>> layers, int i) {
        if (layers.get(i).getClass() != Conv2d.class || i + 1 >= layers.size()
                || layers.get(i + 1).getClass() != BatchNorm2d.class) {
            return false;
        }
        BatchNorm2d bn = (BatchNorm2d) layers.get(i + 1);
        return !bn.isTraining() && bn.runningMean() != null && ((Conv2d) layers.get(i)).options().paddingString() == null;
    }

    /** The Conv2d and the BatchNorm2d's evaluation forward through {@link Functional#conv2dBatchNorm}. */
    private static Tensor convBatchNorm(Conv2d conv, BatchNorm2d bn, Tensor x) {
        ConvOptions o = conv.options();
        return Functional.conv2dBatchNorm(x, conv.weight(), conv.bias(), ConvOptions.ints(o.stride()),
                ConvOptions.ints(o.padding()), ConvOptions.ints(o.dilation()), o.groups(), bn.runningMean(),
                bn.runningVar(), bn.weight(), bn.bias(), bn.options().eps());
    }

    /** Whether the module after index j is a ReLU (the exact class). */
    private static boolean reluAfter(List<Module<?>> layers, int j) {
        return j + 1 < layers.size() && layers.get(j + 1).getClass() == ReLU.class;
    }

    /** The index after the run of Linear layers, each followed by at most one ReLU, from {@code i}. */
    private static int linearRunEnd(List<Module<?>> layers, int i) {
        int j = i;
        while (j < layers.size() && layers.get(j).getClass() == Linear.class) {
            j += reluAfter(layers, j) ? 2 : 1;
        }
        return j;
    }

    /** The Linear layers (and their ReLUs) in [i, end) applied to x: {@link Functional#linearChain}. */
    private static Tensor linearChain(Tensor x, List<Module<?>> layers, int i, int end) {
        int n = 0;
        for (int j = i; j < end; j++) {
            n += layers.get(j).getClass() == Linear.class ? 1 : 0;
        }
        Tensor[] w = new Tensor[n];
        Tensor[] b = new Tensor[n];
        boolean[] relu = new boolean[n];
        for (int l = 0, j = i; l < n; l++) {
            Linear lin = (Linear) layers.get(j);
            w[l] = lin.weight();
            b[l] = lin.bias();
            relu[l] = reluAfter(layers, j);
            j += relu[l] ? 2 : 1;
        }
        return Functional.linearChain(x, w, b, relu);
    }
}
