package io.clgrad.cli;

import static io.clgrad.cli.MetadataKey.ARCHITECTURE;
import static io.clgrad.cli.MetadataKey.CONV_CHANNELS;
import static io.clgrad.cli.MetadataKey.INPUT_SHAPE;
import static io.clgrad.io.ModelFileException.shorten;

import io.clgrad.Tensor;
import io.clgrad.io.ModelFileException;
import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.MaxPool2d;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The convolutional front of {@code clgrad train --model cnn}: for each entry of {@code channels}
 * one block {@code Conv2d(in, c, 3, padding=1) -> BatchNorm2d(c) -> ReLU -> MaxPool2d(2)}, on images
 * of shape {@code [C, H, W]} given as flat rows of {@code C·H·W} values (row-major, as the IDX
 * files and CSV pixel columns hold them). {@link ModelSpec} puts a {@code Flatten} and the linear
 * layers after it; with the default channels 32, 64 on 1x28x28 images that is the network of
 * PyTorch's classifier tutorial, whose {@code nn.Sequential} state-dict keys ({@code 0.weight},
 * {@code 1.running_mean}, ..., {@code 11.bias}) the model file uses.
 *
 * <p>Model-file metadata (see docs/model-files.md): {@code clgrad.input_shape} = {@code C,H,W} and
 * {@code clgrad.conv_channels} = the channel counts, e.g. {@code 1,28,28} and {@code 32,64}.
 *
 * @param image    the input's {@code [C, H, W]}
 * @param channels the output channels of each block, e.g. [32, 64]
 */
record ConvStack(int[] image, int[] channels) {
    /** The blocks of {@code clgrad train --model cnn}: 32 then 64 channels. */
    static final int[] DEFAULT_CHANNELS = {32, 64};
    /** The default hidden linear layer of {@code --model cnn}. */
    static final int[] DEFAULT_HIDDEN = {128};
    /** Modules per block in the Sequential: Conv2d, BatchNorm2d, ReLU, MaxPool2d. */
    static final int BLOCK = 4;
    private static final int KERNEL = 3;
    private static final int PADDING = 1;
    private static final int POOL = 2;

    ConvStack {
        if (image.length != 3 || Arrays.stream(image).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException("a CNN's input shape is [C, H, W] of sizes >= 1, not "
                    + Arrays.toString(image));
        }
        if (channels.length == 0 || Arrays.stream(channels).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException("a CNN needs at least one convolution block of >= 1 channels, not "
                    + Arrays.toString(channels));
        }
        if (channels.length > 30 || (image[1] >> channels.length) < 1 || (image[2] >> channels.length) < 1) {
            throw new IllegalArgumentException(image[1] + "x" + image[2] + " images are too small for "
                    + channels.length + " blocks of MaxPool2d(2): each halves the height and width (rounding down),"
                    + " so at least " + (1L << Math.min(channels.length, 62)) + "x" + (1L << Math.min(channels.length, 62))
                    + " pixels are needed");
        }
        if ((long) image[0] * image[1] * image[2] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a CNN input of " + image[0] + "x" + image[1] + "x" + image[2]
                    + " values is too large for one row");
        }
        image = image.clone();
        channels = channels.clone();
    }

    /**
     * The stack for rows of {@code features} values that form one square single-channel image,
     * or null when they do not ({@code features} is not a square, or the square is too small for
     * the blocks' pooling).
     *
     * @param features values per sample, e.g. 784 for 28x28 pixels
     * @param channels the blocks' channel counts
     */
    static ConvStack forSquareImages(int features, int[] channels) {
        int side = (int) Math.round(Math.sqrt(features));
        if (side * side != features || channels.length > 30 || (side >> channels.length) < 1) {
            return null;
        }
        return new ConvStack(new int[] {1, side, side}, channels);
    }

    /** Values per input row: C·H·W. */
    int inputs() {
        return image[0] * image[1] * image[2];
    }

    /** The features that leave the last block, flattened: {@code channels[last] · H' · W'}. */
    long flatFeatures() {
        int blocks = channels.length;
        return (long) channels[blocks - 1] * (image[1] >> blocks) * (image[2] >> blocks);
    }

    /** The modules the stack puts into the Sequential: {@link #BLOCK} per entry of {@code channels}. */
    int modules() {
        return BLOCK * channels.length;
    }

    /** Appends the blocks' modules to {@code parts}, new, on the CPU, initialised as PyTorch's. */
    void addModules(List<Module<?>> parts) {
        int in = image[0];
        for (int c : channels) {
            parts.add(new Conv2d(in, c, KERNEL, 1, PADDING));
            parts.add(new BatchNorm2d(c));
            parts.add(new ReLU());
            parts.add(new MaxPool2d(POOL));
            in = c;
        }
    }

    /** Puts the blocks' state-dict keys and shapes into {@code out}, as {@link #addModules} makes them. */
    void addShapes(Map<String, int[]> out) {
        int in = image[0];
        for (int b = 0; b < channels.length; b++) {
            int c = channels[b];
            String conv = Integer.toString(BLOCK * b);
            String norm = Integer.toString(BLOCK * b + 1);
            out.put(conv + ".weight", new int[] {c, in, KERNEL, KERNEL});
            out.put(conv + ".bias", new int[] {c});
            out.put(norm + ".weight", new int[] {c});
            out.put(norm + ".bias", new int[] {c});
            out.put(norm + ".running_mean", new int[] {c});
            out.put(norm + ".running_var", new int[] {c});
            out.put(norm + ".num_batches_tracked", new int[0]);
            in = c;
        }
    }

    /**
     * A batch of flat rows as images: {@code [B, C·H·W]} to {@code [B, C, H, W]} (a view).
     *
     * @param x the rows
     */
    Tensor images(Tensor x) {
        return x.reshape(-1, image[0], image[1], image[2]);
    }

    /** Puts {@link MetadataKey#INPUT_SHAPE} and {@link MetadataKey#CONV_CHANNELS} into a model file's metadata. */
    void putMetadata(Map<String, String> m) {
        m.put(INPUT_SHAPE.key(), join(image));
        m.put(CONV_CHANNELS.key(), join(channels));
    }

    /**
     * Reads the stack from a model file's metadata, without building anything.
     *
     * @throws ModelFileException naming the file and the missing or bad key
     */
    static ConvStack fromMetadata(Path file, Map<String, String> m) throws ModelFileException {
        String input = m.get(INPUT_SHAPE.key());
        String channels = m.get(CONV_CHANNELS.key());
        if (input == null || channels == null) {
            throw new ModelFileException(file, "metadata " + ARCHITECTURE + " is cnn, but " + (input == null
                    ? INPUT_SHAPE : CONV_CHANNELS) + " is missing; a cnn file records the input shape C,H,W (e.g. "
                    + INPUT_SHAPE + "=1,28,28) and the convolution channels (e.g. " + CONV_CHANNELS + "=32,64)");
        }
        int[] shape = ModelSpec.sizes(file, INPUT_SHAPE.key(), input, "an image size");
        if (shape.length != 3) {
            throw new ModelFileException(file, "metadata " + INPUT_SHAPE + " is '" + shorten(input)
                    + "'; expected the input's channels, height and width, e.g. 1,28,28");
        }
        int[] counts = ModelSpec.sizes(file, CONV_CHANNELS.key(), channels, "a channel count");
        try {
            return new ConvStack(shape, counts);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "metadata " + INPUT_SHAPE + " " + shorten(input) + " and " + CONV_CHANNELS
                    + " " + shorten(channels) + ": " + e.getMessage());
        }
    }

    /** Sizes as the metadata writes them: comma-separated. */
    static String join(int[] sizes) {
        return Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return image[0] + "x" + image[1] + "x" + image[2] + " images, conv channels " + join(channels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvStack s && Arrays.equals(image, s.image) && Arrays.equals(channels, s.channels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(image) * 31 + Arrays.hashCode(channels);
    }
}
