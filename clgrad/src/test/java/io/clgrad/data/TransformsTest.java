package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import io.clgrad.data.transforms.Compose;
import io.clgrad.data.transforms.FlattenSample;
import io.clgrad.data.transforms.Lambda;
import io.clgrad.data.transforms.Normalize;
import io.clgrad.data.transforms.RandomHorizontalFlip;
import io.clgrad.data.transforms.ToTensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformsTest {

    @Test
    void toTensorScalesAndMovesChannelsFirst() {
        // 2x2 image, 3 channels, HxWxC: pixel (r, c) = {10r + c, 100, 255}
        byte[] px = new byte[12];
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                int at = (r * 2 + c) * 3;
                px[at] = (byte) (10 * r + c);
                px[at + 1] = 100;
                px[at + 2] = (byte) 255;
            }
        }
        Tensor t = new ToTensor().apply(new Image(px, 2, 2, 3));
        assertArrayEquals(new int[] {3, 2, 2}, t.shape());
        float[] v = t.toFloatArray();
        assertArrayEquals(new float[] {0, 1 / 255f, 10 / 255f, 11 / 255f}, java.util.Arrays.copyOfRange(v, 0, 4), 1e-7f);
        assertEquals(100 / 255f, v[5], 1e-7f);
        assertEquals(1f, v[11]);
        assertThrows(IllegalArgumentException.class, () -> new Image(new byte[5], 2, 2, 1));
    }

    @Test
    void normalizePerChannel() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor y = new Normalize(new float[] {1, 2}, new float[] {2, 0.5f}).apply(x);
        assertArrayEquals(new int[] {2, 2}, y.shape());
        assertArrayEquals(new float[] {0, 0.5f, 2, 4}, y.toFloatArray(), 1e-6f);
        Tensor z = new Normalize(new float[] {0.5f}, new float[] {0.5f}).apply(x);
        assertArrayEquals(new float[] {1, 3, 5, 7}, z.toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0, 0, 0}, new float[] {1, 1, 1}).apply(x));
        assertThrows(IllegalArgumentException.class, () -> new Normalize(new float[] {0}, new float[] {0}));
    }

    @Test
    void composeFlattenAndLambda() {
        Transform<Image, Tensor> t = Compose.of(new ToTensor(), new Lambda(x -> x.mul(255f)), new FlattenSample());
        Tensor y = t.apply(new Image(new byte[] {1, 2, 3, 4, 5, 6}, 2, 3, 1));
        assertArrayEquals(new int[] {6}, y.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, y.toFloatArray(), 1e-4f);
        Compose<Tensor, Tensor> same = new Compose<>(new FlattenSample(), new Lambda(x -> x.add(1f)));
        assertArrayEquals(new float[] {2, 3}, same.apply(Tensor.of(new float[] {1, 2}, 1, 2)).toFloatArray());
        assertTrue(t.toString().startsWith("Compose("), t.toString());
    }

    @Test
    void horizontalFlipReversesWidthAndIsReproducible() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, RandomHorizontalFlip.flip(x).toFloatArray());
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, new RandomHorizontalFlip(1, 0).apply(x).toFloatArray());
        assertSame(x, new RandomHorizontalFlip(0, 0).apply(x));
        List<Boolean> a = flips(new RandomHorizontalFlip(0.5, 42), x);
        List<Boolean> b = flips(new RandomHorizontalFlip(0.5, 42), x);
        List<Boolean> c = flips(new RandomHorizontalFlip(0.5, 43), x);
        assertEquals(a, b);
        assertTrue(!a.equals(c));
        long flipped = a.stream().filter(f -> f).count();
        assertTrue(flipped > 20 && flipped < 80, "flipped " + flipped + " of 100");
        assertThrows(IllegalArgumentException.class, () -> new RandomHorizontalFlip(1.5, 0));
    }

    private static List<Boolean> flips(RandomHorizontalFlip f, Tensor x) {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            out.add(f.apply(x) != x);
        }
        return out;
    }
}
