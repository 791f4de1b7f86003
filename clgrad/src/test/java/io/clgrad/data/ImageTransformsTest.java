package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import io.clgrad.data.transforms.CenterCrop;
import io.clgrad.data.transforms.ColorJitter;
import io.clgrad.data.transforms.PaddingMode;
import io.clgrad.data.transforms.RandomCrop;
import io.clgrad.data.transforms.RandomRotation;
import io.clgrad.data.transforms.Resize;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The image transforms by hand-computed values, invariants and statistics: crop windows are real
 * windows of the padded image and every position is drawn about equally often; rotation by 0 is the
 * identity and by 90 is numpy's rot90; jitter of strength 0 is the identity; factors cover their
 * ranges; grey images keep saturation and hue; seeds reproduce. The values against PyTorch are in
 * {@code io.clgrad.golden.ImageTransformGoldenTest}.
 */
class ImageTransformsTest {

    private static Tensor random(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Tensor.of(v, shape);
    }

    private static Tensor arange(int... shape) {
        float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.of(v, shape);
    }

    @Test
    void centerCropTakesTheMiddleByHand() {
        // 4x4 arange, crop 2: rows 1-2, cols 1-2
        assertArrayEquals(new float[] {5, 6, 9, 10}, new CenterCrop(2).apply(arange(1, 4, 4)).toFloatArray());
        // 1x5 row, crop width 2: left = round(1.5) = 2 (half to even)
        assertArrayEquals(new float[] {2, 3}, new CenterCrop(1, 2).apply(arange(1, 1, 5)).toFloatArray());
        // larger than the image: zero padding, (3-1)/2 = 1 left, 1 right
        assertArrayEquals(new float[] {0, 0, 0, 0, 4, 0, 0, 0, 0},
                new CenterCrop(3).apply(Tensor.of(new float[] {4}, 1, 1)).toFloatArray());
        assertArrayEquals(new int[] {2, 2}, new CenterCrop(2).apply(arange(4, 4)).shape());
    }

    @Test
    void resizeInterpolatesByHand() {
        // [0, 1] to 4 columns: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last pixel)
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f},
                new Resize(1, 4).apply(Tensor.of(new float[] {0, 1}, 1, 1, 2)).toFloatArray(), 1e-6f);
        // halving a 4-row ramp averages pairs: sources 0.5 and 2.5
        assertArrayEquals(new float[] {0.5f, 2.5f}, new Resize(2, 1).apply(arange(1, 4, 1)).toFloatArray(), 1e-6f);
        Tensor x = random(1, 3, 5, 7);
        assertArrayEquals(x.toFloatArray(), new Resize(5, 7).apply(x).toFloatArray());
        assertArrayEquals(new int[] {3, 14, 28}, new Resize(14).apply(random(2, 3, 20, 40)).shape());
        assertArrayEquals(new int[] {3, 35, 14}, new Resize(14).apply(random(2, 3, 51, 20)).shape());   // int(14*51/20)
    }

    @Test
    void paddingModesByHand() {
        Tensor row = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4);
        float[][] want = {
            {9, 9, 1, 2, 3, 4, 9, 9}, {1, 1, 1, 2, 3, 4, 4, 4}, {3, 2, 1, 2, 3, 4, 3, 2}, {2, 1, 1, 2, 3, 4, 4, 3}};
        PaddingMode[] modes = PaddingMode.values();
        for (int m = 0; m < modes.length; m++) {
            RandomCrop c = new RandomCrop(1, 8, new int[] {2, 0}, false, new float[] {9}, modes[m], 0);
            assertArrayEquals(want[m], c.crop(row, 0, 0).toFloatArray(), modes[m].toString());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RandomCrop(1, 12, new int[] {4, 0}, false, new float[] {0}, PaddingMode.REFLECT, 0).apply(row));
        assertTrue(e.getMessage().contains("reflect padding"), e.getMessage());
    }

    @Test
    void randomCropDrawsEveryWindowAboutEquallyAndReproduces() {
        Tensor x = arange(2, 5, 6);
        RandomCrop crop = new RandomCrop(3, 3, new int[] {1}, false, new float[] {-1f}, PaddingMode.CONSTANT, 7);
        // padded 7x8: 5 x 6 = 30 windows
        int[] count = new int[30];
        int n = 6000;
        for (int i = 0; i < n; i++) {
            Tensor out = crop.apply(x);
            assertArrayEquals(new int[] {2, 3, 3}, out.shape());
            count[windowOf(crop, x, out, 5, 6)]++;
        }
        for (int k = 0; k < 30; k++) {
            // expected 200 each; 6 standard deviations is about 83
            assertTrue(Math.abs(count[k] - 200) < 90, "window " + k + " drawn " + count[k] + " times of " + n);
        }
        RandomCrop a = new RandomCrop(3, 2, 42);
        RandomCrop b = new RandomCrop(3, 2, 42);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(a.apply(x).toFloatArray(), b.apply(x).toFloatArray());
        }
    }

    /** The index {@code top * cols + left} of the window {@code out} was cropped from. */
    private static int windowOf(RandomCrop crop, Tensor x, Tensor out, int rows, int cols) {
        float[] got = out.toFloatArray();
        int found = -1;
        for (int t = 0; t < rows; t++) {
            for (int l = 0; l < cols; l++) {
                if (Arrays.equals(got, crop.crop(x, t, l).toFloatArray())) {
                    assertEquals(-1, found, "two windows match");   // arange with fill -1: windows are distinct
                    found = t * cols + l;
                }
            }
        }
        assertTrue(found >= 0, "the crop is not a window of the padded image");
        return found;
    }

    @Test
    void padIfNeededPadsBothSidesAsTorchvision() {
        Tensor x = arange(1, 3, 3);
        RandomCrop c = new RandomCrop(5, 5, null, true, new float[] {0}, PaddingMode.CONSTANT, 3);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(new int[] {1, 5, 5}, c.apply(x).shape());
        }
        // torchvision pads by (5 - 3) on each side: the padded image is 7x7, so the window at (2, 1) starts one column left of the image
        assertArrayEquals(new float[] {0, 0, 1, 2, 0}, Arrays.copyOfRange(c.crop(x, 2, 1).toFloatArray(), 0, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandomCrop(5, 0, 0).apply(x));
        assertTrue(e.getMessage().contains("larger than the (padded) image 3x3"), e.getMessage());
    }

    @Test
    void rotationByZeroIsTheIdentityAndBy90IsRot90() {
        Tensor x = random(3, 3, 6, 6);
        assertArrayEquals(x.toFloatArray(), new RandomRotation(0, 11).apply(x).toFloatArray());
        assertArrayEquals(x.toFloatArray(), RandomRotation.rotate(x, 0, new float[] {0}).toFloatArray());
        for (int n : new int[] {5, 6}) {
            Tensor a = arange(1, n, n);
            float[] in = a.toFloatArray();
            float[] want = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    want[i * n + j] = in[j * n + (n - 1 - i)];   // numpy rot90: counter-clockwise
                }
            }
            assertArrayEquals(want, new RandomRotation(90, 90, new float[] {0}, 1).apply(a).toFloatArray(), "n=" + n);
            float[] back = RandomRotation.rotate(RandomRotation.rotate(a, 180, new float[] {0}), 180, new float[] {0})
                    .toFloatArray();
            assertArrayEquals(in, back, "180 twice, n=" + n);
        }
    }

    @Test
    void rotationFillsOutsideAndReproduces() {
        Tensor ones = Tensor.of(filled(3 * 9 * 9, 1f), 3, 9, 9);
        float[] out = RandomRotation.rotate(ones, 45, new float[] {0.1f, 0.2f, 0.3f}).toFloatArray();
        assertEquals(0.1f, out[0]);              // corner of channel 0
        assertEquals(0.3f, out[2 * 81 + 80]);    // corner of channel 2
        assertEquals(1f, out[81 + 40]);          // centre
        Tensor x = random(4, 1, 8, 8);
        RandomRotation a = new RandomRotation(30, 5);
        RandomRotation b = new RandomRotation(30, 5);
        boolean changed = false;
        for (int i = 0; i < 10; i++) {
            float[] u = a.apply(x).toFloatArray();
            assertArrayEquals(u, b.apply(x).toFloatArray());
            changed |= !Arrays.equals(u, x.toFloatArray());
        }
        assertTrue(changed, "10 rotations in [-30, 30] all left the image unchanged");
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void jitterOfZeroIsTheIdentity() {
        for (int c : new int[] {1, 3}) {
            Tensor x = random(5, c, 4, 5);
            assertArrayEquals(x.toFloatArray(), new ColorJitter(0, 0, 0, 0, 1).apply(x).toFloatArray());
        }
    }

    @Test
    void brightnessFactorsCoverTheirRange() {
        Tensor x = Tensor.of(filled(4, 0.25f), 1, 2, 2);
        ColorJitter j = new ColorJitter(0.5, 0, 0, 0, 9);
        double lo = 9;
        double hi = -9;
        for (int i = 0; i < 400; i++) {
            float[] v = j.apply(x).toFloatArray();
            double f = v[0] / 0.25;
            assertTrue(f >= 0.5 - 1e-6 && f <= 1.5 + 1e-6, "factor " + f + " outside [0.5, 1.5]");
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        assertTrue(lo < 0.55 && hi > 1.45, "factors drawn only from [" + lo + ", " + hi + "]");
        ColorJitter a = new ColorJitter(0.4, 0.4, 0.4, 0.1, 3);
        ColorJitter b = new ColorJitter(0.4, 0.4, 0.4, 0.1, 3);
        Tensor rgb = random(6, 3, 4, 4);
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(a.apply(rgb).toFloatArray(), b.apply(rgb).toFloatArray());
        }
    }

    @Test
    void greyKeepsSaturationAndHueAndHueTurnsColours() {
        Tensor grey = random(7, 1, 3, 3);
        assertArrayEquals(grey.toFloatArray(), new ColorJitter(0, 0, 0.9, 0.5, 2).apply(grey).toFloatArray());
        // pure red turned by a third of a circle is pure green, by two thirds pure blue
        Tensor red = Tensor.of(new float[] {1, 0, 0}, 3, 1, 1);
        assertArrayEquals(new float[] {0, 1, 0}, ColorJitter.adjust(red, "hue", 1.0 / 3).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 1}, ColorJitter.adjust(red, "hue", -1.0 / 3).toFloatArray(), 1e-6f);
        // a hue turn of 0 is the RGB -> HSV -> RGB round trip
        Tensor x = random(8, 3, 5, 5);
        assertArrayEquals(x.toFloatArray(), ColorJitter.adjust(x, "hue", 0).toFloatArray(), 1e-6f);
        // saturation 0 is the luma 0.2989 R + 0.587 G + 0.114 B in every channel
        float[] g = ColorJitter.adjust(Tensor.of(new float[] {0.5f, 0.25f, 1f}, 3, 1, 1), "saturation", 0).toFloatArray();
        float luma = 0.2989f * 0.5f + 0.587f * 0.25f + 0.114f;
        assertArrayEquals(new float[] {luma, luma, luma}, g, 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ColorJitter(0.1, 0, 0, 0, 1).apply(random(1, 2, 3, 3)));
        assertTrue(e.getMessage().contains("1 (grey) or 3 (RGB) channels, got 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ColorJitter(0, 0, 0, 0.6, 1));
        assertFalse(new ColorJitter(0.2, 0, 0, 0, 1).toString().isEmpty());
    }
}
