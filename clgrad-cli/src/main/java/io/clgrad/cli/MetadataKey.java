package io.clgrad.cli;

import java.util.Locale;

/**
 * The clgrad metadata keys of model files and checkpoints (docs/model-files.md), in one table: each
 * key is "clgrad." and the constant's name in lower case, e.g. {@code clgrad.rng_state}.
 */
enum MetadataKey {
    /** The network: simplenet, mlp or cnn ({@link ModelSpec}). */
    ARCHITECTURE,
    /** The linear layers' sizes, e.g. {@code 784,512,512,10} ({@link ModelSpec}). */
    LAYERS,
    /** binary or multiclass ({@link ModelSpec}). */
    TASK,
    /** A cnn's input {@code C,H,W} ({@link ConvStack}). */
    INPUT_SHAPE,
    /** A cnn's convolution channels, e.g. {@code 32,64} ({@link ConvStack}). */
    CONV_CHANNELS,
    /** The --data name the model was trained on. */
    DATA,
    /** The seed of the data's generation and validation split. */
    SEED,
    /** The synthetic sample count. */
    SAMPLES,
    /** A checkpoint's completed epochs. */
    EPOCH,
    /** A checkpoint's random-number generator state. */
    RNG_STATE,
    /** The class names in index order (CSV data), a JSON list. */
    CLASSES;

    private final String key = "clgrad." + name().toLowerCase(Locale.ROOT);

    /**
     * The key as it stands in a file's metadata.
     *
     * @return e.g. {@code clgrad.data}
     */
    String key() {
        return key;
    }

    /** The key ({@link #key()}), so that messages can name it. */
    @Override
    public String toString() {
        return key;
    }
}
