package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;
import java.util.Objects;
import java.util.function.Function;

/**
 * Any function on tensors used as a transform, as torchvision's {@code Lambda}.
 *
 * <pre>{@code
 * Transform<Tensor, Tensor> scale = new Lambda(t -> t.mul(2f));
 * }</pre>
 */
public final class Lambda implements Transform<Tensor, Tensor> {
    private final Function<Tensor, Tensor> fn;

    /**
     * Wraps {@code fn}.
     *
     * @param fn the function to apply
     */
    public Lambda(Function<Tensor, Tensor> fn) {
        this.fn = Objects.requireNonNull(fn, "fn");
    }

    @Override
    public Tensor apply(Tensor x) {
        return fn.apply(x);
    }

    @Override
    public String toString() {
        return "Lambda()";
    }
}
