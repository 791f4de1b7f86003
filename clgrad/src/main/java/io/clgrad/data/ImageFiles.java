package io.clgrad.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Decodes an image file through {@code javax.imageio} (PNG, JPEG, BMP, GIF, TIFF with the JDK's
 * readers) into an 8-bit {@link Image} with 1 (grey) or 3 (RGB) channels, converting as PIL's
 * {@code convert("L")} / {@code convert("RGB")}: grey from RGB is
 * {@code (19595 R + 38470 G + 7471 B + 32768) >> 16}; RGB from grey repeats the value; alpha is dropped.
 * Grey files are read from their raster directly (not through {@code getRGB}, which would
 * gamma-convert them).
 */
final class ImageFiles {
    private ImageFiles() {
    }

    /** Reads {@code file} as {@code channels} (1 or 3) channels; errors name the file. */
    static Image read(Path file, int channels) throws IOException {
        BufferedImage bi;
        try (var in = Files.newInputStream(file)) {
            bi = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode the image (" + e.getMessage() + ")", e);
        }
        if (bi == null) {
            throw new IOException(file + ": no javax.imageio reader recognises this file (corrupt, or a format"
                    + " such as WebP/PPM that the JDK cannot read)");
        }
        int h = bi.getHeight();
        int w = bi.getWidth();
        byte[] out = new byte[h * w * channels];
        ColorModel cm = bi.getColorModel();
        boolean grey = cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1 && !(cm instanceof java.awt.image.IndexColorModel);
        if (grey) {
            Raster r = bi.getRaster();
            int bits = cm.getComponentSize(0);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int g = bits == 8 ? row[x] : (int) Math.round(row[x] * 255.0 / ((1 << bits) - 1));
                    for (int ch = 0; ch < channels; ch++) {
                        out[(y * w + x) * channels + ch] = (byte) g;
                    }
                }
            }
        } else {
            int[] argb = bi.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                int r = (argb[i] >> 16) & 0xFF;
                int g = (argb[i] >> 8) & 0xFF;
                int b = argb[i] & 0xFF;
                if (channels == 1) {
                    out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
                } else {
                    out[3 * i] = (byte) r;
                    out[3 * i + 1] = (byte) g;
                    out[3 * i + 2] = (byte) b;
                }
            }
        }
        return new Image(out, h, w, channels);
    }
}
