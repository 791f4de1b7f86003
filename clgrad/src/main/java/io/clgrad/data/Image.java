package io.clgrad.data;

import io.clgrad.Tensor;

/**
 * An 8-bit image as read from a file: row-major {@code H x W x C} unsigned bytes (the layout of
 * MNIST, PIL and NumPy), before any transform. {@link #toTensor()} (and the transform
 * {@link io.clgrad.data.transforms.ToTensor}, which calls it) turns it into a float tensor
 * {@code [C, H, W]} in {@code [0, 1]}.
 *
 * <pre>{@code
 * Image img = new Image(pixels, 28, 28, 1);
 * int v = img.pixel(3, 4, 0);           // 0..255
 * }</pre>
 *
 * @param pixels   {@code height * width * channels} bytes, read as unsigned; not copied
 * @param height   rows, {@code >= 1}
 * @param width    columns, {@code >= 1}
 * @param channels channels per pixel, {@code >= 1}
 */
public record Image(byte[] pixels, int height, int width, int channels) {
    /**
     * Checks the geometry against the number of bytes.
     *
     * @param pixels   {@code height * width * channels} bytes
     * @param height   rows
     * @param width    columns
     * @param channels channels per pixel
     * @throws IllegalArgumentException when a size is not positive or {@code pixels} has the wrong length
     */
    public Image {
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("Image: sizes must be >= 1, got height=" + height + ", width=" + width
                    + ", channels=" + channels);
        }
        if (pixels == null || (long) height * width * channels != pixels.length) {
            throw new IllegalArgumentException("Image: " + (pixels == null ? "null" : pixels.length + "")
                    + " bytes do not fit HxWxC = " + height + "x" + width + "x" + channels);
        }
    }

    /**
     * One sample value as an unsigned int.
     *
     * @param row     {@code 0 <= row < height}
     * @param col     {@code 0 <= col < width}
     * @param channel {@code 0 <= channel < channels}
     * @return the value in {@code 0..255}
     */
    public int pixel(int row, int col, int channel) {
        return pixels[(row * width + col) * channels + channel] & 0xFF;
    }

    /**
     * The image as a float32 CPU tensor {@code [C, H, W]} with values {@code pixel / 255} in
     * {@code [0, 1]}, as torchvision's {@code ToTensor} (the transform
     * {@link io.clgrad.data.transforms.ToTensor} is this method as a {@link Transform}).
     *
     * @return a new tensor {@code [channels, height, width]} on the CPU
     */
    public Tensor toTensor() {
        int h = height;
        int w = width;
        int c = channels;
        float[] out = new float[c * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int src = (y * w + x) * c;
                for (int ch = 0; ch < c; ch++) {
                    out[(ch * h + y) * w + x] = (pixels[src + ch] & 0xFF) / 255f;
                }
            }
        }
        return Tensor.of(out, c, h, w);
    }
}
