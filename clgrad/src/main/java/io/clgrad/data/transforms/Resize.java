package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;

/**
 * Resizes an image with bilinear interpolation, as torchvision's {@code Resize} on tensors with
 * {@code antialias=False} (torchvision 0.14's default for tensors), which is PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False)}: output pixel {@code d} samples the input
 * at {@code (d + 0.5) * in / out - 0.5} (clamped at 0) from its two neighbours on each axis. Without
 * antialiasing, shrinking by more than 2 skips input pixels, as in torchvision.
 *
 * <p>With one size the shorter side becomes {@code size} and the longer one
 * {@code (int) (size * long / short)}, keeping the aspect ratio as torchvision does.
 *
 * <p>Shapes: input float32 {@code [C, H, W]} or {@code [H, W]}; output {@code [C, oh, ow]} (or
 * {@code [oh, ow]}), a new CPU tensor.
 *
 * <pre>{@code
 * Tensor t = new Resize(32, 32).apply(image);   // [1, 28, 28] -> [1, 32, 32]
 * Tensor u = new Resize(14).apply(wide);        // [3, 20, 40] -> [3, 14, 28]
 * }</pre>
 */
public final class Resize implements Transform<Tensor, Tensor> {
    private final int height;
    private final int width;
    private final int shorter;

    /**
     * Resizes the shorter side to {@code size}, keeping the aspect ratio.
     *
     * @param size the shorter side's new length, {@code >= 1}
     * @throws IllegalArgumentException when {@code size < 1}
     */
    public Resize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("Resize: size must be >= 1, got " + size);
        }
        this.height = -1;
        this.width = -1;
        this.shorter = size;
    }

    /**
     * Resizes to exactly {@code height x width}.
     *
     * @param height rows, {@code >= 1}
     * @param width  columns, {@code >= 1}
     * @throws IllegalArgumentException when a size is below 1
     */
    public Resize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("Resize: size must be >= 1, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.shorter = -1;
    }

    @Override
    public Tensor apply(Tensor x) {
        ImageTensors img = ImageTensors.of(x, "Resize");
        int oh = height;
        int ow = width;
        if (shorter > 0) {
            if (img.w <= img.h) {
                ow = shorter;
                oh = (int) ((long) shorter * img.h / img.w);
            } else {
                oh = shorter;
                ow = (int) ((long) shorter * img.w / img.h);
            }
        }
        return img.resizeBilinear(oh, ow).toTensor();
    }

    @Override
    public String toString() {
        String size = shorter > 0 ? String.valueOf(shorter) : "(" + height + ", " + width + ")";
        return "Resize(size=" + size + ", interpolation=bilinear, antialias=False)";
    }
}
