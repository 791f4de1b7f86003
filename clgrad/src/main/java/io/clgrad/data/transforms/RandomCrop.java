package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Crops a random {@code th x tw} window, after optional padding, as torchvision's {@code RandomCrop}
 * on tensors: the image is padded by {@code padding} (left, top, right, bottom) in
 * {@code paddingMode}; with {@code padIfNeeded}, an image still narrower than {@code tw} is padded
 * by {@code tw - W} on both the left and the right (torchvision's rule; likewise the height); then
 * the window's top row is drawn uniformly from {@code [0, H - th]} and its left column from
 * {@code [0, W - tw]}. The draws come from a generator seeded once, so a fresh instance with the
 * same seed crops the same windows from the same sequence of calls (calls are synchronized; the
 * values differ from torchvision's, whose generator is PyTorch's).
 *
 * <p>Shapes: input float32 {@code [C, H, W]} or {@code [H, W]}; output {@code [C, th, tw]} (or
 * {@code [th, tw]}), a new CPU tensor.
 *
 * <pre>{@code
 * // CIFAR-style augmentation: pad 4 on every side, crop 32x32.
 * Transform<Tensor, Tensor> t = new RandomCrop(32, 4, 42);
 * Transform<Tensor, Tensor> u = new RandomCrop(32, 32, new int[] {4}, false, new float[] {0f}, PaddingMode.REFLECT, 42);
 * }</pre>
 */
public final class RandomCrop implements Transform<Tensor, Tensor> {
    private final int height;
    private final int width;
    private final int[] padding;
    private final boolean padIfNeeded;
    private final float[] fill;
    private final PaddingMode paddingMode;
    private final long seed;
    private final SplittableRandom rng;

    /**
     * A square crop after zero padding of {@code padding} on every side.
     *
     * @param size    the crop's side, {@code >= 1}
     * @param padding the padding on each side, {@code >= 0}
     * @param seed    the seed of the window positions
     */
    public RandomCrop(int size, int padding, long seed) {
        this(size, size, new int[] {padding}, false, new float[] {0f}, PaddingMode.CONSTANT, seed);
    }

    /**
     * The full form, torchvision's {@code RandomCrop(size, padding, pad_if_needed, fill, padding_mode)}.
     *
     * @param height      the crop's rows, {@code >= 1}
     * @param width       the crop's columns, {@code >= 1}
     * @param padding     null or empty for none; one value for every side; two for left/right and
     *                    top/bottom; four for left, top, right, bottom; each {@code >= 0}
     * @param padIfNeeded whether to pad an image smaller than the crop (else it is an error)
     * @param fill        the {@link PaddingMode#CONSTANT} value: one for all channels or one per channel
     * @param paddingMode how to pad
     * @param seed        the seed of the window positions
     * @throws IllegalArgumentException when a size is below 1, the padding has 3 or more than 4
     *                                  values or a negative one, or {@code fill} is empty
     */
    public RandomCrop(int height, int width, int[] padding, boolean padIfNeeded, float[] fill, PaddingMode paddingMode,
            long seed) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("RandomCrop: size must be >= 1, got " + height + "x" + width);
        }
        this.padding = ltrb(padding == null ? new int[0] : padding);
        if (fill == null || fill.length == 0) {
            throw new IllegalArgumentException("RandomCrop: fill needs one value, or one per channel");
        }
        this.height = height;
        this.width = width;
        this.padIfNeeded = padIfNeeded;
        this.fill = fill.clone();
        this.paddingMode = java.util.Objects.requireNonNull(paddingMode, "paddingMode");
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    /** torchvision's padding forms as {left, top, right, bottom}. */
    private static int[] ltrb(int[] p) {
        for (int v : p) {
            if (v < 0) {
                throw new IllegalArgumentException("RandomCrop: padding must be >= 0, got " + Arrays.toString(p));
            }
        }
        switch (p.length) {
            case 0: return new int[4];
            case 1: return new int[] {p[0], p[0], p[0], p[0]};
            case 2: return new int[] {p[0], p[1], p[0], p[1]};
            case 4: return p.clone();
            default:
                throw new IllegalArgumentException("RandomCrop: padding takes 1, 2 or 4 values, got " + Arrays.toString(p));
        }
    }

    @Override
    public Tensor apply(Tensor x) {
        ImageTensors img = ImageTensors.of(x, "RandomCrop");
        img = padded(img);
        if (img.h < height || img.w < width) {
            throw new IllegalArgumentException("RandomCrop: the crop " + height + "x" + width
                    + " is larger than the (padded) image " + img.h + "x" + img.w + "; pad it, or set padIfNeeded");
        }
        int top;
        int left;
        synchronized (rng) {
            top = img.h == height && img.w == width ? 0 : rng.nextInt(img.h - height + 1);
            left = img.h == height && img.w == width ? 0 : rng.nextInt(img.w - width + 1);
        }
        return img.crop(top, left, height, width).toTensor();
    }

    /**
     * The crop at a given position, without drawing: what {@link #apply} returns when it draws
     * {@code top} and {@code left}.
     *
     * @param x    a float32 image {@code [C, H, W]} or {@code [H, W]}
     * @param top  the window's first row in the padded image
     * @param left the window's first column in the padded image
     * @return a new CPU tensor {@code [C, th, tw]}
     * @throws IllegalArgumentException when the window does not fit in the padded image
     */
    public Tensor crop(Tensor x, int top, int left) {
        ImageTensors img = padded(ImageTensors.of(x, "RandomCrop"));
        if (top < 0 || left < 0 || top + height > img.h || left + width > img.w) {
            throw new IllegalArgumentException("RandomCrop: a " + height + "x" + width + " window at (" + top + ", "
                    + left + ") does not fit in the padded image " + img.h + "x" + img.w);
        }
        return img.crop(top, left, height, width).toTensor();
    }

    private ImageTensors padded(ImageTensors img) {
        img.checkFill(fill, "RandomCrop");
        img = img.pad(padding[0], padding[1], padding[2], padding[3], paddingMode, fill, "RandomCrop");
        if (padIfNeeded && img.w < width) {
            int d = width - img.w;
            img = img.pad(d, 0, d, 0, paddingMode, fill, "RandomCrop");
        }
        if (padIfNeeded && img.h < height) {
            int d = height - img.h;
            img = img.pad(0, d, 0, d, paddingMode, fill, "RandomCrop");
        }
        return img;
    }

    @Override
    public String toString() {
        return "RandomCrop(size=(" + height + ", " + width + "), padding=" + Arrays.toString(padding) + ", pad_if_needed="
                + padIfNeeded + ", fill=" + Arrays.toString(fill) + ", padding_mode=" + paddingMode + ", seed=" + seed + ")";
    }
}
