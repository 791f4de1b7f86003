package io.clgrad.optim;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;

/**
 * Formats option values as Python's {@code str()} prints them, for the optimizers' PyTorch-style
 * {@code toString()}: {@code True}/{@code False}, {@code None}, floats by Python's shortest
 * round-trip {@code repr} ({@code 0.01}, {@code 1e-08}, {@code 1e+16}), tuples as {@code (a, b)}.
 *
 * <p>Java keeps every hyperparameter as a double, so it cannot tell Python's {@code 0} from
 * {@code 0.0}: an integral value prints as an int ({@code 0}, {@code 1}), as PyTorch's defaults
 * ({@code weight_decay=0}, {@code momentum=0}, {@code dampening=0}) print, except under the keys
 * whose PyTorch defaults are floats ({@code betas}, {@code eps}), which always print as floats.
 */
final class PyRepr {
    /** Keys whose values are always printed as Python floats. */
    private static final Set<String> FLOAT_KEYS = Set.of("betas", "eps");

    private PyRepr() {
    }

    /** The value of option {@code key} as {@code str(value)} prints it in Python. */
    static String option(String key, Object value) {
        return str(value, FLOAT_KEYS.contains(key));
    }

    private static String str(Object value, boolean asFloat) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean) {
            return ((Boolean) value) ? "True" : "False";
        }
        if (value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof Number) {
            double d = ((Number) value).doubleValue();
            if (!asFloat && d == Math.rint(d) && Math.abs(d) < 1e16) {
                return Long.toString((long) d);
            }
            return floatRepr(d);
        }
        if (value instanceof List) {
            List<?> list = (List<?>) value;
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < list.size(); i++) {
                sb.append(i > 0 ? ", " : "").append(str(list.get(i), asFloat));
            }
            return sb.append(list.size() == 1 ? ",)" : ")").toString();
        }
        if (value instanceof String) {
            return (String) value;
        }
        return String.valueOf(value);
    }

    /** Python's {@code repr(float)}: the shortest decimal that reads back as {@code d}. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(d);
        BigDecimal shortest = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (r.doubleValue() == d) {
                shortest = r;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int decExp = digits.length() - shortest.scale();   // value = 0.digits * 10^decExp
        int sciExp = decExp - 1;
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (sciExp >= -4 && sciExp < 16) {
            if (decExp <= 0) {
                sb.append("0.").append("0".repeat(-decExp)).append(digits);
            } else if (decExp >= digits.length()) {
                sb.append(digits).append("0".repeat(decExp - digits.length())).append(".0");
            } else {
                sb.append(digits, 0, decExp).append('.').append(digits, decExp, digits.length());
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int a = Math.abs(sciExp);
            sb.append('e').append(sciExp < 0 ? '-' : '+').append(a < 10 ? "0" : "").append(a);
        }
        return sb.toString();
    }
}
