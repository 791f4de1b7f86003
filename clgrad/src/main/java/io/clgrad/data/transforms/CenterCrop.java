package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;

/**
 * Crops the centre of an image, as torchvision's {@code CenterCrop} on tensors: the crop starts at
 * row {@code round((H - th) / 2)} and column {@code round((W - tw) / 2)}, rounding halves to even
 * as Python's {@code round}. An image smaller than the crop is first padded with zeros, by
 * {@code (tw - W) / 2} on the left and {@code (tw - W + 1) / 2} on the right (likewise top and
 * bottom).
 *
 * <p>Shapes: input float32 {@code [C, H, W]} or {@code [H, W]}; output {@code [C, th, tw]} (or
 * {@code [th, tw]}), a new CPU tensor.
 *
 * <pre>{@code
 * Tensor t = new CenterCrop(24).apply(image);   // [1, 28, 28] -> [1, 24, 24]
 * }</pre>
 */
public final class CenterCrop implements Transform<Tensor, Tensor> {
    private final int height;
    private final int width;

    /**
     * A square crop.
     *
     * @param size the side, {@code >= 1}
     */
    public CenterCrop(int size) {
        this(size, size);
    }

    /**
     * A crop of {@code height x width}.
     *
     * @param height rows, {@code >= 1}
     * @param width  columns, {@code >= 1}
     * @throws IllegalArgumentException when a size is below 1
     */
    public CenterCrop(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("CenterCrop: size must be >= 1, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
    }

    @Override
    public Tensor apply(Tensor x) {
        return centerCrop(ImageTensors.of(x, "CenterCrop"), height, width).toTensor();
    }

    /** torchvision's {@code center_crop} on a host image. */
    static ImageTensors centerCrop(ImageTensors img, int th, int tw) {
        if (tw > img.w || th > img.h) {
            int left = tw > img.w ? (tw - img.w) / 2 : 0;
            int top = th > img.h ? (th - img.h) / 2 : 0;
            int right = tw > img.w ? (tw - img.w + 1) / 2 : 0;
            int bottom = th > img.h ? (th - img.h + 1) / 2 : 0;
            img = img.pad(left, top, right, bottom, PaddingMode.CONSTANT, new float[] {0f}, "CenterCrop");
            if (img.w == tw && img.h == th) {
                return img;
            }
        }
        int top = (int) Math.rint((img.h - th) / 2.0);
        int left = (int) Math.rint((img.w - tw) / 2.0);
        return img.crop(top, left, th, tw);
    }

    @Override
    public String toString() {
        return "CenterCrop(size=(" + height + ", " + width + "))";
    }
}
