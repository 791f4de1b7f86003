package io.clgrad.nn;

/** Module reprs of float32 hyperparameters as Python prints the value the user wrote. */
final class PyNumbers {
    private PyNumbers() {
    }

    /** A float32 as Python's float repr of its shortest decimal: {@code 0.01f} is {@code 0.01}, {@code 1f} is {@code 1.0}. */
    static String floatRepr(float v) {
        return Dropout.pyFloat(Double.parseDouble(Float.toString(v)));
    }

    /**
     * A hyperparameter whose PyTorch default is a Python int ({@code Softplus}'s beta and threshold):
     * an integral value prints as an int ({@code 20}), any other as a float.
     */
    static String numberRepr(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : floatRepr(v);
    }
}
