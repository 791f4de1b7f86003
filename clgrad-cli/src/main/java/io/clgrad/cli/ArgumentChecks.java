package io.clgrad.cli;

import io.clgrad.data.DecimalNumbers;

/**
 * Checks of numeric command-line values, each failing with one line that names the option and the
 * value (an {@link IllegalArgumentException}, which the CLI prints as a usage error, exit code 2).
 */
final class ArgumentChecks {
    private ArgumentChecks() {
    }

    /**
     * @return {@code value} when it is at least 1
     * @throws IllegalArgumentException otherwise, e.g. "--batch-size must be at least 1, got 0"
     */
    static int atLeastOne(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return value;
    }

    /**
     * A count of generated samples: from 1 to {@link ModelFiles#MAX_SAMPLES}, the most that
     * {@code eval} and {@code predict} accept in a saved model's metadata (they regenerate the data
     * from it), so every model {@code train} saves can be evaluated.
     *
     * @throws IllegalArgumentException otherwise, naming the option and the value
     */
    static int sampleCount(String option, int value) {
        atLeastOne(option, value);
        if (value > ModelFiles.MAX_SAMPLES) {
            throw new IllegalArgumentException(option + " " + value + " is more than the "
                    + String.format(java.util.Locale.ROOT, "%,d", ModelFiles.MAX_SAMPLES)
                    + " generated samples clgrad trains on (and eval regenerates from a saved model)");
        }
        return value;
    }

    /**
     * @return {@code value} when it is a finite number above 0
     * @throws IllegalArgumentException for 0, negative values, NaN and infinities
     */
    static double positiveFinite(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /**
     * A learning rate: a finite number above 0 that float32 can hold (the parameter updates run in
     * float32, where 1e-300 is 0, no update at all, and 1e39 is infinite).
     *
     * @throws IllegalArgumentException otherwise, naming the option and the value
     */
    static double learningRate(String option, double value) {
        positiveFinite(option, value);
        if ((float) value == 0 || Float.isInfinite((float) value)) {
            throw new IllegalArgumentException(option + " " + value + " is outside float32's range (" + Float.MIN_VALUE
                    + " to " + Float.MAX_VALUE + "); updates are computed in float32, where it is "
                    + ((float) value == 0 ? "0" : "infinite"));
        }
        return value;
    }

    /**
     * @return {@code sizes} when every size is at least 1
     * @throws IllegalArgumentException naming the first size below 1
     */
    static int[] hiddenSizes(String option, int[] sizes) {
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException(option + " sizes must be at least 1, got " + s + " in "
                        + java.util.Arrays.toString(sizes));
            }
        }
        return sizes;
    }

    /**
     * The number of the last epoch when {@code epochs} epochs follow epoch {@code firstEpoch - 1}.
     *
     * @throws IllegalArgumentException when it would pass {@link Integer#MAX_VALUE} (the sum wrapped
     *                                  around to a negative number, and no epoch ran)
     */
    static int lastEpoch(int firstEpoch, int epochs) {
        long last = (long) firstEpoch + epochs - 1;
        if (last > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--epochs " + epochs + " after epoch " + (firstEpoch - 1)
                    + " would end past epoch " + Integer.MAX_VALUE + "; give fewer epochs");
        }
        return (int) last;
    }

    /**
     * Parses the features of one {@code --input}: comma-separated numbers in decimal notation
     * ({@link DecimalNumbers}), each finite in float32, {@code count} of them.
     *
     * @throws IllegalArgumentException naming the input and the problem: no values, an empty value
     *                                  (e.g. a trailing comma), a value that is not a number or not
     *                                  finite (NaN, Infinity, 1e999), or another number of values
     */
    static float[] features(String input, int count) {
        if (input.isBlank()) {
            throw new IllegalArgumentException("--input '" + input + "': no values; give the model's " + count
                    + " features separated by commas");
        }
        String[] parts = input.split(",", -1);   // -1: a trailing empty value is kept, and refused
        for (int j = 0; j < parts.length; j++) {
            if (parts[j].isBlank()) {
                throw new IllegalArgumentException("--input '" + input + "': value " + (j + 1) + " is empty");
            }
        }
        if (parts.length != count) {
            throw new IllegalArgumentException("--input '" + input + "' has " + parts.length
                    + " values but the model takes " + count + " features");
        }
        float[] x = new float[count];
        for (int j = 0; j < count; j++) {
            String cell = parts[j].trim();
            try {
                x[j] = DecimalNumbers.parseFloat(cell);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input '" + input + "': " + e.getMessage());
            }
            if (!Float.isFinite(x[j])) {
                throw new IllegalArgumentException("--input '" + input + "': '" + cell
                        + "' is not a finite float32 number");
            }
        }
        return x;
    }
}
