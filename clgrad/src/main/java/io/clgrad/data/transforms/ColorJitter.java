package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;
import java.util.SplittableRandom;

/**
 * Randomly changes brightness, contrast, saturation and hue, as torchvision's {@code ColorJitter} on
 * float tensors in {@code [0, 1]}: each call draws a factor for each adjustment that is on, uniformly
 * from its range, and applies the adjustments in a random order:
 * <ul>
 *   <li>brightness {@code b}: {@code clamp(b x, 0, 1)};</li>
 *   <li>contrast {@code k}: {@code clamp(k x + (1 - k) m, 0, 1)}, {@code m} the image's mean grey level
 *       (the mean of the luma {@code 0.2989 R + 0.587 G + 0.114 B} for RGB);</li>
 *   <li>saturation {@code s}: {@code clamp(s x + (1 - s) grey(x), 0, 1)} per pixel (RGB only);</li>
 *   <li>hue {@code h}: the hue turned by {@code h} (a fraction of a full turn) through HSV, with
 *       torchvision's RGB/HSV conversion (RGB only).</li>
 * </ul>
 * Grey images ({@code C = 1}) get brightness and contrast; saturation and hue leave them unchanged,
 * as in torchvision. A strength of 0 turns an adjustment off (the image is then returned unchanged,
 * values and all). The draws come from a generator seeded once (same seed, same draws for the same
 * sequence of calls; synchronized); the values differ from torchvision's, whose generator is PyTorch's.
 *
 * <p>Shapes: input float32 {@code [C, H, W]} with {@code C} 1 or 3 (or {@code [H, W]}); output the
 * same shape, a new CPU tensor.
 *
 * <pre>{@code
 * Transform<Tensor, Tensor> t = new ColorJitter(0.4, 0.4, 0.4, 0.1, 42);
 * }</pre>
 */
public final class ColorJitter implements Transform<Tensor, Tensor> {
    private final double[] brightness;
    private final double[] contrast;
    private final double[] saturation;
    private final double[] hue;
    private final long seed;
    private final SplittableRandom rng;

    /**
     * Jitter of the given strengths: brightness, contrast and saturation factors in
     * {@code [max(0, 1 - v), 1 + v]}, hue shifts in {@code [-hue, hue]}; 0 turns one off.
     *
     * @param brightness {@code >= 0}
     * @param contrast   {@code >= 0}
     * @param saturation {@code >= 0}
     * @param hue        in {@code [0, 0.5]}
     * @param seed       the seed of the draws
     * @throws IllegalArgumentException when a strength is out of range
     */
    public ColorJitter(double brightness, double contrast, double saturation, double hue, long seed) {
        this.brightness = range("brightness", brightness);
        this.contrast = range("contrast", contrast);
        this.saturation = range("saturation", saturation);
        if (!(hue >= 0 && hue <= 0.5)) {
            throw new IllegalArgumentException("ColorJitter: hue must be in [0, 0.5], got " + hue);
        }
        this.hue = hue == 0 ? null : new double[] {-hue, hue};
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    /** {@code [max(0, 1 - v), 1 + v]}, or null for 0. */
    private static double[] range(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("ColorJitter: " + name + " must be a finite value >= 0, got " + v);
        }
        return v == 0 ? null : new double[] {Math.max(0, 1 - v), 1 + v};
    }

    @Override
    public Tensor apply(Tensor x) {
        ImageTensors img = ImageTensors.of(x, "ColorJitter");
        if (img.c != 1 && img.c != 3) {
            throw new IllegalArgumentException("ColorJitter: expected 1 (grey) or 3 (RGB) channels, got " + img.c);
        }
        int[] order = {0, 1, 2, 3};
        float[] factor = new float[4];
        synchronized (rng) {
            for (int i = 3; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double[][] ranges = {brightness, contrast, saturation, hue};
            for (int k = 0; k < 4; k++) {
                double[] r = ranges[k];
                factor[k] = r == null ? Float.NaN : (float) (r[0] + (r[1] - r[0]) * rng.nextDouble());
            }
        }
        float[] v = img.v;
        for (int k : order) {
            if (Float.isNaN(factor[k])) {
                continue;
            }
            adjust(v, img.c, k, factor[k]);
        }
        return img.toTensor();
    }

    /** Adjustment {@code k} (0 brightness, 1 contrast, 2 saturation, 3 hue) by {@code f}, in place. */
    private static void adjust(float[] v, int c, int k, float f) {
        switch (k) {
            case 0: ColorOps.brightness(v, f); break;
            case 1: ColorOps.contrast(v, c, f); break;
            case 2: ColorOps.saturation(v, c, f); break;
            default: ColorOps.hue(v, c, f); break;
        }
    }

    /**
     * One adjustment with a fixed factor, without drawing: torchvision's {@code adjust_brightness},
     * {@code adjust_contrast}, {@code adjust_saturation} or {@code adjust_hue}.
     *
     * @param x          a float32 image {@code [C, H, W]} ({@code C} 1 or 3) or {@code [H, W]}, values in {@code [0, 1]}
     * @param adjustment "brightness", "contrast", "saturation" or "hue"
     * @param factor     the factor ({@code >= 0}), or for hue the shift in {@code [-0.5, 0.5]}
     * @return a new CPU tensor of {@code x}'s shape
     * @throws IllegalArgumentException for an unknown adjustment or a channel count other than 1 or 3
     */
    public static Tensor adjust(Tensor x, String adjustment, double factor) {
        ImageTensors img = ImageTensors.of(x, "ColorJitter");
        if (img.c != 1 && img.c != 3) {
            throw new IllegalArgumentException("ColorJitter: expected 1 (grey) or 3 (RGB) channels, got " + img.c);
        }
        int k = java.util.List.of("brightness", "contrast", "saturation", "hue").indexOf(adjustment);
        if (k < 0) {
            throw new IllegalArgumentException("ColorJitter: unknown adjustment '" + adjustment
                    + "' (brightness, contrast, saturation or hue)");
        }
        adjust(img.v, img.c, k, (float) factor);
        return img.toTensor();
    }

    @Override
    public String toString() {
        return "ColorJitter(brightness=" + str(brightness) + ", contrast=" + str(contrast) + ", saturation="
                + str(saturation) + ", hue=" + str(hue) + ", seed=" + seed + ")";
    }

    private static String str(double[] r) {
        return r == null ? "None" : "(" + r[0] + ", " + r[1] + ")";
    }
}
