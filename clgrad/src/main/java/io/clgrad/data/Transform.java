package io.clgrad.data;

import java.util.function.Function;

/**
 * A function applied to each sample as it is read, like torchvision's transforms: decoding an
 * {@link Image} into a tensor, normalising, flattening, augmenting. Transforms compose with
 * {@link io.clgrad.data.transforms.Compose}. See {@code io.clgrad.data.transforms}.
 *
 * <pre>{@code
 * Transform<Image, Tensor> t = Compose.of(new ToTensor(), new Normalize(new float[] {0.5f}, new float[] {0.5f}));
 * }</pre>
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface Transform<I, O> extends Function<I, O> {
}
