package io.clgrad.data.transforms;

import io.clgrad.data.Transform;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Several transforms applied in order, as torchvision's {@code Compose}: the output of each is the
 * input of the next.
 *
 * <pre>{@code
 * Transform<Image, Tensor> t = Compose.of(new ToTensor(), new FlattenSample());
 * Compose<Tensor, Tensor> u = new Compose<>(new Normalize(mean, std), new FlattenSample());
 * }</pre>
 *
 * @param <I> the input type of the first transform
 * @param <O> the output type of the last transform
 */
public final class Compose<I, O> implements Transform<I, O> {
    private final List<Function<?, ?>> steps;

    /**
     * Composes transforms of one type ({@code Tensor -> Tensor}, say).
     *
     * @param transforms the transforms, applied first to last; at least one
     */
    @SafeVarargs
    public Compose(Transform<I, ? extends O>... transforms) {
        this(List.of((Function<?, ?>[]) transforms));
    }

    private Compose(List<Function<?, ?>> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("Compose: at least one transform is needed");
        }
        steps.forEach(s -> Objects.requireNonNull(s, "Compose: a null transform"));
        this.steps = steps;
    }

    /**
     * A first transform followed by others on its output type (e.g. {@link ToTensor} then
     * {@code Tensor -> Tensor} transforms).
     *
     * @param first the first transform
     * @param rest  transforms applied to the first one's output, in order
     * @param <I>   the input type
     * @param <M>   the type all further transforms take and return
     * @return the composition
     */
    @SafeVarargs
    public static <I, M> Compose<I, M> of(Transform<I, M> first, Transform<M, M>... rest) {
        Function<?, ?>[] all = new Function<?, ?>[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return new Compose<>(List.of(all));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public O apply(I input) {
        Object x = input;
        for (Function step : steps) {
            x = step.apply(x);
        }
        return (O) x;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Compose(\n");
        for (Function<?, ?> s : steps) {
            sb.append("    ").append(s).append('\n');
        }
        return sb.append(')').toString();
    }
}
