package io.clgrad.data;

import java.util.regex.Pattern;

/**
 * Numbers as people write them in data files and on the command line: plain decimal notation
 * ({@code 3}, {@code -0.25}, {@code .5}, {@code 1e-3}), and {@code NaN}/{@code Infinity} (so that
 * callers can refuse them by name). {@link Float#parseFloat} also takes Java's own forms: type
 * suffixes ({@code 1.2f}, {@code 0.5d}), hexadecimal ({@code 0x1p3}) and surrounding whitespace;
 * a data file holding those is more likely wrong than meant, so they are refused here. Shared by
 * {@link CsvDataset} and {@code clgrad predict --input}.
 */
public final class DecimalNumbers {
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

    private DecimalNumbers() {
    }

    /**
     * Parses a number in plain decimal notation to the nearest float32 (values past float32's
     * range become infinite, as with {@link Float#parseFloat}).
     *
     * @param text the number, without surrounding whitespace
     * @return its value
     * @throws NumberFormatException whose message is {@code 'TEXT' is not a number}, or
     *                               {@code 'TEXT' is not a decimal number} for the Java-only forms
     */
    public static float parseFloat(String text) {
        if (!isNumber(text)) {
            boolean javaTakesIt;
            try {
                Float.parseFloat(text);
                javaTakesIt = true;
            } catch (NumberFormatException e) {
                javaTakesIt = false;
            }
            throw new NumberFormatException("'" + text + "' is not " + (javaTakesIt ? "a decimal number" : "a number"));
        }
        return Float.parseFloat(text);
    }

    /**
     * Whether {@link #parseFloat} accepts {@code text}.
     *
     * @param text the text
     * @return true for plain decimal notation, {@code NaN} and {@code Infinity} (optionally signed)
     */
    public static boolean isNumber(String text) {
        return DECIMAL.matcher(text).matches();
    }

    /**
     * Whether {@code text} is an integer in decimal notation (optionally signed, any length).
     *
     * @param text the text
     * @return true for e.g. {@code 7}, {@code -12}, {@code +0}; false for {@code 1.0} or {@code 1e3}
     */
    public static boolean isInteger(String text) {
        return INTEGER.matcher(text).matches();
    }
}
