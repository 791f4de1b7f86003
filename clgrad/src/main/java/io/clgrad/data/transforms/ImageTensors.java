package io.clgrad.data.transforms;

import io.clgrad.DType;
import io.clgrad.Shape;
import io.clgrad.Tensor;

/**
 * The host arrays behind the image transforms: a float32 image {@code [C, H, W]} (or {@code [H, W]},
 * one channel) read into a {@code float[]}, padded, cropped, resized and rotated as torchvision's
 * tensor functions do, and written back to a CPU tensor of the input's rank.
 */
final class ImageTensors {
    final float[] v;
    final int c;
    final int h;
    final int w;
    /** Whether the input had no channel dimension ({@code [H, W]}). */
    final boolean flat;

    private ImageTensors(float[] v, int c, int h, int w, boolean flat) {
        this.v = v;
        this.c = c;
        this.h = h;
        this.w = w;
        this.flat = flat;
    }

    /** Reads {@code x}, a float32 {@code [C, H, W]} or {@code [H, W]} tensor; {@code op} names the transform in errors. */
    static ImageTensors of(Tensor x, String op) {
        int[] s = x.shape();
        if (x.dtype() != DType.FLOAT32 || (s.length != 2 && s.length != 3)) {
            throw new IllegalArgumentException(op + ": expected a float32 image [C, H, W] or [H, W], got "
                    + x.dtype() + " " + Shape.str(s) + " (apply ToTensor() first)");
        }
        boolean flat = s.length == 2;
        int c = flat ? 1 : s[0];
        int h = s[s.length - 2];
        int w = s[s.length - 1];
        if (c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException(op + ": the image " + Shape.str(s) + " is empty");
        }
        return new ImageTensors(x.toFloatArray(), c, h, w, flat);
    }

    /** A new image of this one's channels and rank. */
    ImageTensors make(float[] values, int newH, int newW) {
        return new ImageTensors(values, c, newH, newW, flat);
    }

    float at(int ch, int y, int x) {
        return v[(ch * h + y) * w + x];
    }

    Tensor toTensor() {
        return flat ? Tensor.of(v, h, w) : Tensor.of(v, c, h, w);
    }

    /**
     * This image padded by {@code left, top, right, bottom} (each {@code >= 0}) in {@code mode},
     * with {@code fill[ch]} (or {@code fill[0]} for every channel) for {@link PaddingMode#CONSTANT}.
     */
    ImageTensors pad(int left, int top, int right, int bottom, PaddingMode mode, float[] fill, String op) {
        if (left == 0 && top == 0 && right == 0 && bottom == 0) {
            return this;
        }
        if (mode == PaddingMode.REFLECT && (Math.max(left, right) >= w || Math.max(top, bottom) >= h)) {
            throw new IllegalArgumentException(op + ": reflect padding (" + left + ", " + top + ", " + right + ", "
                    + bottom + ") must be smaller than the image's sides " + h + "x" + w);
        }
        if (mode == PaddingMode.SYMMETRIC && (Math.max(left, right) > w || Math.max(top, bottom) > h)) {
            throw new IllegalArgumentException(op + ": symmetric padding (" + left + ", " + top + ", " + right + ", "
                    + bottom + ") must not exceed the image's sides " + h + "x" + w);
        }
        int nh = h + top + bottom;
        int nw = w + left + right;
        float[] out = new float[c * nh * nw];
        for (int ch = 0; ch < c; ch++) {
            float f = fillOf(fill, ch);
            for (int y = 0; y < nh; y++) {
                int sy = mode.source(y - top, h);
                for (int x = 0; x < nw; x++) {
                    int sx = mode.source(x - left, w);
                    out[(ch * nh + y) * nw + x] = sy < 0 || sx < 0 ? f : at(ch, sy, sx);
                }
            }
        }
        return make(out, nh, nw);
    }

    /** Rows {@code top..top+th} and columns {@code left..left+tw}; positions outside the image are 0 (torchvision's {@code crop}). */
    ImageTensors crop(int top, int left, int th, int tw) {
        float[] out = new float[c * th * tw];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < th; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                for (int x = 0; x < tw; x++) {
                    int sx = left + x;
                    if (sx >= 0 && sx < w) {
                        out[(ch * th + y) * tw + x] = at(ch, sy, sx);
                    }
                }
            }
        }
        return make(out, th, tw);
    }

    /**
     * Bilinear resize to {@code oh x ow} as PyTorch's {@code interpolate(mode="bilinear",
     * align_corners=False, antialias=False)}: source coordinate {@code (d + 0.5) * in / out - 0.5},
     * clamped at 0, computed in float32 as PyTorch's CPU kernel does.
     */
    ImageTensors resizeBilinear(int oh, int ow) {
        float[] out = new float[c * oh * ow];
        int[] y0 = new int[oh];
        int[] y1 = new int[oh];
        float[] ly = new float[oh];
        axis(h, oh, y0, y1, ly);
        int[] x0 = new int[ow];
        int[] x1 = new int[ow];
        float[] lx = new float[ow];
        axis(w, ow, x0, x1, lx);
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < oh; y++) {
                float wy1 = ly[y];
                float wy0 = 1f - wy1;
                for (int x = 0; x < ow; x++) {
                    float wx1 = lx[x];
                    float wx0 = 1f - wx1;
                    out[(ch * oh + y) * ow + x] = wy0 * (wx0 * at(ch, y0[y], x0[x]) + wx1 * at(ch, y0[y], x1[x]))
                            + wy1 * (wx0 * at(ch, y1[y], x0[x]) + wx1 * at(ch, y1[y], x1[x]));
                }
            }
        }
        return make(out, oh, ow);
    }

    /** The two source indices and the weight of the second for each of {@code out} positions along an axis of {@code in}. */
    private static void axis(int in, int out, int[] i0, int[] i1, float[] lambda) {
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            float src = Math.max(0f, scale * (d + 0.5f) - 0.5f);
            int lo = Math.min((int) src, in - 1);
            i0[d] = lo;
            i1[d] = Math.min(lo + 1, in - 1);
            lambda[d] = src - lo;
        }
    }

    /**
     * Rotated counter-clockwise by {@code degrees} about the image centre, same size, nearest
     * neighbour, as torchvision's {@code rotate} on tensors: output pixel {@code (x, y)} (relative to
     * the centre) takes the input at {@code (cos a x - sin a y, sin a x + cos a y)}, rounded half to
     * even; outside the input it is {@code fill}.
     */
    ImageTensors rotateNearest(double degrees, float[] fill) {
        // torchvision's float32 path, step by step, so that sources landing exactly on a half pixel
        // (common: at 30 degrees, sin = 0.5) round the same way: the inverse matrix, scaled to grid
        // units [-1, 1], applied to centred output coordinates, then grid_sample's unnormalisation
        // ((g + 1) * size - 1) / 2 and nearbyint.
        double a = Math.toRadians(-degrees);
        float sx0 = (float) Math.cos(a) / (0.5f * w);
        float sx1 = (float) Math.sin(a) / (0.5f * w);
        float sy0 = (float) -Math.sin(a) / (0.5f * h);
        float sy1 = (float) Math.cos(a) / (0.5f * h);
        float[] out = new float[v.length];
        for (int y = 0; y < h; y++) {
            float yo = -h * 0.5f + 0.5f + y;
            for (int x = 0; x < w; x++) {
                float xo = -w * 0.5f + 0.5f + x;
                float gx = xo * sx0 + yo * sx1;
                float gy = xo * sy0 + yo * sy1;
                int sx = (int) Math.rint(((gx + 1f) * w - 1f) / 2f);
                int sy = (int) Math.rint(((gy + 1f) * h - 1f) / 2f);
                boolean inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
                for (int ch = 0; ch < c; ch++) {
                    out[(ch * h + y) * w + x] = inside ? at(ch, sy, sx) : fillOf(fill, ch);
                }
            }
        }
        return make(out, h, w);
    }

    private static float fillOf(float[] fill, int ch) {
        return fill.length == 1 ? fill[0] : fill[ch];
    }

    /** Checks that {@code fill} has one value or one per channel. */
    void checkFill(float[] fill, String op) {
        if (fill.length != 1 && fill.length != c) {
            throw new IllegalArgumentException(op + ": " + fill.length + " fill values for an image with " + c
                    + " channels (give one, or one per channel)");
        }
    }
}
