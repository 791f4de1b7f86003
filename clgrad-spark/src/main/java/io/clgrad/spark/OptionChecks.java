package io.clgrad.spark;

/**
 * The option checks of {@link SparkTrainer}'s and {@link SparkScorer}'s builders; each message
 * names the class and the option, e.g. "SparkTrainer: epochs must be at least 1, got 0".
 */
final class OptionChecks {
    private OptionChecks() {
    }

    /**
     * {@code value}, when it is at least {@code min}.
     *
     * @param what  the class and the option, e.g. "SparkTrainer: batch size"
     * @param min   the smallest value allowed
     * @param value the value set
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value < min}
     */
    static int atLeast(String what, int min, int value) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /**
     * {@code value}, when it is positive.
     *
     * @param what  the class and the option, e.g. "SparkTrainer: the timeout"
     * @param value the value set
     * @return {@code value}
     * @throws IllegalArgumentException when {@code value <= 0}
     */
    static long positive(String what, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }
}
