package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Image;
import io.clgrad.data.Transform;

/**
 * Converts an 8-bit {@link Image} ({@code H x W x C}) to a float32 CPU tensor {@code [C, H, W]}
 * with values {@code pixel / 255} in {@code [0, 1]}, as torchvision's {@code ToTensor}.
 *
 * <p>Shapes: input {@code H x W x C} bytes; output {@code [C, H, W]}.
 *
 * <pre>{@code
 * Tensor t = new ToTensor().apply(new Image(pixels, 28, 28, 1));   // [1, 28, 28]
 * }</pre>
 */
public final class ToTensor implements Transform<Image, Tensor> {
    /** A new ToTensor (it has no parameters). */
    public ToTensor() {
    }

    /** {@link Image#toTensor()}. */
    @Override
    public Tensor apply(Image img) {
        return img.toTensor();
    }

    @Override
    public String toString() {
        return "ToTensor()";
    }
}
