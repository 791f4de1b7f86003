package io.clgrad.data.transforms;

/**
 * torchvision's colour adjustments on float images in {@code [0, 1]} ({@code [C, H, W]} host
 * arrays, {@code C} 1 or 3): brightness, contrast, saturation and hue, with its RGB/HSV conversions.
 */
final class ColorOps {
    private ColorOps() {
    }

    /** {@code clamp(ratio * a + (1 - ratio) * b, 0, 1)}: torchvision's {@code _blend}. */
    private static float blend(float a, float b, float ratio) {
        return Math.min(1f, Math.max(0f, ratio * a + (1f - ratio) * b));
    }

    /** ITU-R 601-2 luma, torchvision's {@code rgb_to_grayscale}. */
    private static float grey(float r, float g, float b) {
        return 0.2989f * r + 0.587f * g + 0.114f * b;
    }

    static void brightness(float[] v, float factor) {
        for (int i = 0; i < v.length; i++) {
            v[i] = blend(v[i], 0f, factor);
        }
    }

    /** Blends with the mean grey level (of the luma for RGB). */
    static void contrast(float[] v, int c, float factor) {
        int n = v.length / c;
        double sum = 0;
        if (c == 3) {
            for (int i = 0; i < n; i++) {
                sum += grey(v[i], v[n + i], v[2 * n + i]);
            }
        } else {
            for (float x : v) {
                sum += x;
            }
            n = v.length;
        }
        float mean = (float) (sum / n);
        for (int i = 0; i < v.length; i++) {
            v[i] = blend(v[i], mean, factor);
        }
    }

    /** Blends each pixel with its grey level; grey images are unchanged (as torchvision and PIL). */
    static void saturation(float[] v, int c, float factor) {
        if (c != 3) {
            return;
        }
        int n = v.length / 3;
        for (int i = 0; i < n; i++) {
            float g = grey(v[i], v[n + i], v[2 * n + i]);
            for (int ch = 0; ch < 3; ch++) {
                v[ch * n + i] = blend(v[ch * n + i], g, factor);
            }
        }
    }

    /** Shifts the hue by {@code shift} turns ({@code [-0.5, 0.5]}); grey images are unchanged. */
    static void hue(float[] v, int c, float shift) {
        if (c != 3) {
            return;
        }
        int n = v.length / 3;
        float[] hsv = new float[3];
        float[] rgb = new float[3];
        for (int i = 0; i < n; i++) {
            rgbToHsv(v[i], v[n + i], v[2 * n + i], hsv);
            float h = hsv[0] + shift;
            h = h - (float) Math.floor(h);   // Python's % 1.0: into [0, 1)
            hsvToRgb(h, hsv[1], hsv[2], rgb);
            v[i] = rgb[0];
            v[n + i] = rgb[1];
            v[2 * n + i] = rgb[2];
        }
    }

    /** torchvision's {@code _rgb2hsv}: hue in {@code [0, 1)}, saturation, value = max. */
    static void rgbToHsv(float r, float g, float b, float[] out) {
        float maxc = Math.max(r, Math.max(g, b));
        float minc = Math.min(r, Math.min(g, b));
        boolean eqc = maxc == minc;
        float cr = maxc - minc;
        float s = cr / (eqc ? 1f : maxc);
        float div = eqc ? 1f : cr;
        float rc = (maxc - r) / div;
        float gc = (maxc - g) / div;
        float bc = (maxc - b) / div;
        float h;
        if (maxc == r) {
            h = bc - gc;
        } else if (maxc == g) {
            h = 2f + rc - bc;
        } else {
            h = 4f + gc - rc;
        }
        float t = h / 6f + 1f;
        out[0] = t % 1f;   // torch.fmod
        out[1] = s;
        out[2] = maxc;
    }

    /** torchvision's {@code _hsv2rgb}. */
    static void hsvToRgb(float h, float s, float v, float[] out) {
        float i6 = (float) Math.floor(h * 6f);
        float f = h * 6f - i6;
        int i = Math.floorMod((int) i6, 6);
        float p = clamp01(v * (1f - s));
        float q = clamp01(v * (1f - s * f));
        float t = clamp01(v * (1f - s * (1f - f)));
        switch (i) {
            case 0: set(out, v, t, p); break;
            case 1: set(out, q, v, p); break;
            case 2: set(out, p, v, t); break;
            case 3: set(out, p, q, v); break;
            case 4: set(out, t, p, v); break;
            default: set(out, v, p, q); break;
        }
    }

    private static float clamp01(float x) {
        return Math.min(1f, Math.max(0f, x));
    }

    private static void set(float[] out, float r, float g, float b) {
        out[0] = r;
        out[1] = g;
        out[2] = b;
    }
}
