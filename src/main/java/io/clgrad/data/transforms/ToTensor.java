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

    @Override
    public Tensor apply(Image img) {
        int h = img.height();
        int w = img.width();
        int c = img.channels();
        byte[] px = img.pixels();
        float[] out = new float[c * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int src = (y * w + x) * c;
                for (int ch = 0; ch < c; ch++) {
                    out[(ch * h + y) * w + x] = (px[src + ch] & 0xFF) / 255f;
                }
            }
        }
        return Tensor.of(out, c, h, w);
    }

    @Override
    public String toString() {
        return "ToTensor()";
    }
}
