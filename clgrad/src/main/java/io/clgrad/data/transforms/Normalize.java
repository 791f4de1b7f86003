package io.clgrad.data.transforms;

import io.clgrad.Shape;
import io.clgrad.Tensor;
import io.clgrad.data.Transform;
import java.util.Arrays;

/**
 * Standardises each channel, as torchvision's {@code Normalize}:
 * {@code out[c, ...] = (in[c, ...] - mean[c]) / std[c]}.
 *
 * <p>Shapes: input {@code [C, *]} float32; output the same shape, a new CPU tensor. A single mean
 * and std apply to every channel.
 *
 * <pre>{@code
 * Tensor x = new Normalize(new float[] {0.1307f}, new float[] {0.3081f}).apply(image);  // MNIST's statistics
 * }</pre>
 */
public final class Normalize implements Transform<Tensor, Tensor> {
    private final float[] mean;
    private final float[] std;

    /**
     * Per-channel statistics.
     *
     * @param mean one value per channel, or one for all channels
     * @param std  as many values as {@code mean}, each non-zero
     * @throws IllegalArgumentException when the lengths differ, are 0, or a std is 0
     */
    public Normalize(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: mean and std need the same non-zero length, got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (s == 0) {
                throw new IllegalArgumentException("Normalize: std must not contain 0, got " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public Tensor apply(Tensor x) {
        int[] shape = x.shape();
        if (shape.length < 1) {
            throw new IllegalArgumentException("Normalize: expected a tensor [C, *], got a scalar");
        }
        int c = shape[0];
        if (mean.length != 1 && mean.length != c) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " means for a tensor of shape "
                    + Shape.str(shape) + " with " + c + " channels");
        }
        float[] v = x.toFloatArray();
        int per = c == 0 ? 0 : v.length / c;
        for (int ch = 0; ch < c; ch++) {
            float m = mean[mean.length == 1 ? 0 : ch];
            float s = std[std.length == 1 ? 0 : ch];
            for (int i = ch * per; i < (ch + 1) * per; i++) {
                v[i] = (v[i] - m) / s;
            }
        }
        return Tensor.of(v, shape);
    }

    @Override
    public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
