package io.clgrad.nn;

import io.clgrad.Tensor;

/**
 * A placeholder that returns its input unchanged, as PyTorch's {@code torch.nn.Identity}.
 *
 * <p>Shapes: input any shape; output the same tensor.
 *
 * <pre>{@code
 * Module head = useHead ? new Linear(512, 10) : new Identity();
 * }</pre>
 */
public class Identity extends Module<Identity> {
    /** Creates the module (it has no parameters). */
    public Identity() {
    }

    /**
     * Returns {@code x} itself.
     *
     * @param x any tensor
     * @return {@code x}
     */
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
