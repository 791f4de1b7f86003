package io.clgrad.data.transforms;

import io.clgrad.Tensor;
import io.clgrad.data.Transform;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Rotates an image by a random angle drawn uniformly from {@code [min, max]} degrees, as
 * torchvision's {@code RandomRotation} with its defaults (nearest-neighbour interpolation,
 * {@code expand=False}, rotation about the centre): positive angles turn counter-clockwise; the
 * output keeps the input's size, and pixels whose source falls outside the image get {@code fill}.
 * Output pixel {@code (x, y)}, measured from the centre {@code ((W - 1) / 2, (H - 1) / 2)}, takes
 * the input at {@code (cos a x - sin a y, sin a x + cos a y)} rounded half to even, as torchvision's
 * affine grid with {@code grid_sample(mode="nearest", align_corners=False)}. Angles come from a
 * generator seeded once (same seed, same angles for the same sequence of calls; synchronized).
 *
 * <p>Shapes: input float32 {@code [C, H, W]} or {@code [H, W]}; output the same shape, a new CPU tensor.
 *
 * <pre>{@code
 * Transform<Tensor, Tensor> t = new RandomRotation(15, 42);   // angles in [-15, 15]
 * }</pre>
 */
public final class RandomRotation implements Transform<Tensor, Tensor> {
    private final double min;
    private final double max;
    private final float[] fill;
    private final long seed;
    private final SplittableRandom rng;

    /**
     * Angles in {@code [-degrees, degrees]}, fill 0.
     *
     * @param degrees the largest angle, {@code >= 0}
     * @param seed    the seed of the angles
     * @throws IllegalArgumentException when {@code degrees} is negative or not finite
     */
    public RandomRotation(double degrees, long seed) {
        this(-degrees, degrees, new float[] {0f}, seed);
    }

    /**
     * Angles in {@code [min, max]}.
     *
     * @param min  the smallest angle in degrees
     * @param max  the largest angle, {@code >= min}
     * @param fill the value outside the rotated image: one for all channels or one per channel
     * @param seed the seed of the angles
     * @throws IllegalArgumentException when {@code min > max}, an angle is not finite, or {@code fill} is empty
     */
    public RandomRotation(double min, double max, float[] fill, long seed) {
        if (!(min <= max) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("RandomRotation: need finite min <= max, got [" + min + ", " + max + "]");
        }
        if (fill == null || fill.length == 0) {
            throw new IllegalArgumentException("RandomRotation: fill needs one value, or one per channel");
        }
        this.min = min;
        this.max = max;
        this.fill = fill.clone();
        this.seed = seed;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public Tensor apply(Tensor x) {
        ImageTensors img = ImageTensors.of(x, "RandomRotation");
        img.checkFill(fill, "RandomRotation");
        double angle;
        synchronized (rng) {
            angle = min + (max - min) * rng.nextDouble();
        }
        return img.rotateNearest(angle, fill).toTensor();
    }

    /**
     * {@code x} rotated by exactly {@code degrees}, without drawing.
     *
     * @param x       a float32 image {@code [C, H, W]} or {@code [H, W]}
     * @param degrees the angle, counter-clockwise
     * @param fill    the value outside the rotated image: one, or one per channel
     * @return a new CPU tensor of {@code x}'s shape
     */
    public static Tensor rotate(Tensor x, double degrees, float[] fill) {
        ImageTensors img = ImageTensors.of(x, "rotate");
        img.checkFill(fill, "rotate");
        return img.rotateNearest(degrees, fill).toTensor();
    }

    @Override
    public String toString() {
        return "RandomRotation(degrees=[" + min + ", " + max + "], interpolation=nearest, expand=False, fill="
                + Arrays.toString(fill) + ", seed=" + seed + ")";
    }
}
