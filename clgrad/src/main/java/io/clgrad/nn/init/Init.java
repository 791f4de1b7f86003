package io.clgrad.nn.init;

import io.clgrad.Autograd;
import io.clgrad.DType;
import io.clgrad.Tensor;
import java.util.Arrays;

/**
 * Parameter initialisation, as PyTorch's {@code torch.nn.init}. Every method fills an existing
 * float32 tensor <b>in place</b> (PyTorch's trailing-underscore functions such as
 * {@code uniform_}), records no autograd graph, and returns the tensor. Random values come from the
 * global generator, so {@link Tensor#manualSeed(long)} makes them reproducible on every device.
 *
 * <pre>{@code
 * Tensor w = Tensor.zeros(device, 256, 784).requiresGrad(true);
 * Init.kaimingUniform(w, 0, FanMode.FAN_IN, "relu");   // U(-b, b), b = gain·sqrt(3 / fan_in)
 * Init.zeros(bias);
 * }</pre>
 *
 * <p>The target must be a contiguous float32 tensor that owns its data from element 0 (every
 * tensor made by a factory, and every parameter, is).
 */
@SuppressWarnings("try")   // scopes opened for their effect (noGrad, tensor scopes)
public final class Init {
    private Init() {
    }

    /** Which fan {@link #kaimingUniform} and {@link #kaimingNormal} preserve the variance of. */
    public enum FanMode {
        /** Preserve the variance of the forward pass (PyTorch's {@code 'fan_in'}, the default). */
        FAN_IN,
        /** Preserve the variance of the backward pass ({@code 'fan_out'}). */
        FAN_OUT
    }

    // ------------------------------------------------------------------ primitives

    /**
     * Copies {@code src}'s values into {@code dst} in place, as PyTorch's {@code dst.copy_(src)}
     * under {@code no_grad}: {@code src} may be on another device, a view, or int32 (converted);
     * it must have {@code dst}'s shape. {@code src} is not modified. This is the primitive the
     * other fills and {@code Module.loadStateDict} are built on.
     *
     * @param dst a contiguous float32 tensor (modified)
     * @param src the values, same shape
     * @return {@code dst}
     * @throws IllegalArgumentException when the shapes differ or {@code dst} is not contiguous float32
     */
    public static Tensor copy(Tensor dst, Tensor src) {
        checkTarget("copy_", dst);
        if (!Arrays.equals(dst.shape(), src.shape())) {
            throw new IllegalArgumentException("copy_: source shape " + Arrays.toString(src.shape())
                    + " does not match destination shape " + Arrays.toString(dst.shape()));
        }
        if (dst.numel() == 0) {
            return dst;
        }
        try (Autograd.Mode g = Autograd.noGrad()) {
            dst.copyFrom(src);
        }
        return dst;
    }

    /**
     * Fills {@code t} with the value {@code val} (PyTorch's {@code constant_}).
     *
     * @param t   the tensor (modified)
     * @param val the value
     * @return {@code t}
     */
    public static Tensor constant(Tensor t, double val) {
        checkTarget("constant_", t);
        return fillFrom(t, Tensor.full(t.device(), (float) val, t.shape()));
    }

    /**
     * Fills {@code t} with zeros (PyTorch's {@code zeros_}).
     *
     * @param t the tensor (modified)
     * @return {@code t}
     */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0.0);
    }

    /**
     * Fills {@code t} with ones (PyTorch's {@code ones_}).
     *
     * @param t the tensor (modified)
     * @return {@code t}
     */
    public static Tensor ones(Tensor t) {
        return constant(t, 1.0);
    }

    /**
     * Fills {@code t} with samples of the uniform distribution U(a, b), as {@code a + (b - a)·u}
     * with u ~ U[0, 1) (PyTorch's {@code uniform_}).
     *
     * @param t the tensor (modified)
     * @param a the lower bound
     * @param b the upper bound, {@code >= a}
     * @return {@code t}
     */
    public static Tensor uniform(Tensor t, double a, double b) {
        checkTarget("uniform_", t);
        if (!(a <= b)) {
            throw new IllegalArgumentException("uniform_: expects a <= b, got a=" + a + ", b=" + b);
        }
        try (Autograd.Mode g = Autograd.noGrad(); Tensor u = Tensor.rand(t.device(), t.shape());
             Tensor scaled = u.mul((float) (b - a))) {
            return fillFrom(t, scaled.add((float) a));
        }
    }

    /**
     * Fills {@code t} with samples of N(mean, std²) (PyTorch's {@code normal_}).
     *
     * @param t    the tensor (modified)
     * @param mean the mean
     * @param std  the standard deviation, {@code >= 0}
     * @return {@code t}
     */
    public static Tensor normal(Tensor t, double mean, double std) {
        checkTarget("normal_", t);
        if (!(std >= 0)) {
            throw new IllegalArgumentException("normal_: expects std >= 0.0, got " + std);
        }
        try (Autograd.Mode g = Autograd.noGrad(); Tensor n = Tensor.randn(t.device(), t.shape());
             Tensor scaled = n.mul((float) std)) {
            return fillFrom(t, scaled.add((float) mean));
        }
    }

    // ------------------------------------------------------------------ fan-based schemes

    /**
     * PyTorch's recommended gain for a nonlinearity: 1 for {@code linear}, {@code conv*d},
     * {@code sigmoid} and {@code identity}; 5/3 for {@code tanh}; √2 for {@code relu};
     * √(2 / (1 + a²)) for {@code leaky_relu} with negative slope a; 3/4 for {@code selu}.
     *
     * @param nonlinearity the function's PyTorch name
     * @param param        the negative slope for {@code leaky_relu} (null means 0.01)
     * @return the gain
     * @throws IllegalArgumentException for an unknown name
     */
    public static double calculateGain(String nonlinearity, Double param) {
        switch (nonlinearity) {
            case "linear":
            case "conv1d":
            case "conv2d":
            case "conv3d":
            case "conv_transpose1d":
            case "conv_transpose2d":
            case "conv_transpose3d":
            case "sigmoid":
            case "identity":
                return 1.0;
            case "tanh":
                return 5.0 / 3;
            case "relu":
                return Math.sqrt(2.0);
            case "leaky_relu":
                double slope = param == null ? 0.01 : param;
                return Math.sqrt(2.0 / (1 + slope * slope));
            case "selu":
                return 3.0 / 4;
            default:
                throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        }
    }

    /**
     * {@code {fan_in, fan_out}} of a weight of shape {@code [out, in, *kernel]}: in·∏kernel and
     * out·∏kernel (PyTorch's {@code _calculate_fan_in_and_fan_out}).
     *
     * @param shape the weight's shape, at least 2-D
     * @return a two-element array
     * @throws IllegalArgumentException for fewer than 2 dimensions
     */
    public static int[] calculateFanInAndFanOut(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer than"
                    + " 2 dimensions, got shape " + Arrays.toString(shape));
        }
        int receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new int[] {shape[1] * receptive, shape[0] * receptive};
    }

    /**
     * Xavier/Glorot uniform: U(-b, b) with {@code b = gain·√(6 / (fan_in + fan_out))}
     * (PyTorch's {@code xavier_uniform_}).
     *
     * @param t    a tensor of at least 2 dimensions (modified)
     * @param gain the scaling factor
     * @return {@code t}
     */
    public static Tensor xavierUniform(Tensor t, double gain) {
        int[] fans = calculateFanInAndFanOut(t.shape());
        double std = gain * Math.sqrt(2.0 / (fans[0] + fans[1]));
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound);
    }

    /**
     * Xavier uniform with gain 1.
     *
     * @param t a tensor of at least 2 dimensions (modified)
     * @return {@code t}
     */
    public static Tensor xavierUniform(Tensor t) {
        return xavierUniform(t, 1.0);
    }

    /**
     * Xavier/Glorot normal: N(0, std²) with {@code std = gain·√(2 / (fan_in + fan_out))}
     * (PyTorch's {@code xavier_normal_}).
     *
     * @param t    a tensor of at least 2 dimensions (modified)
     * @param gain the scaling factor
     * @return {@code t}
     */
    public static Tensor xavierNormal(Tensor t, double gain) {
        int[] fans = calculateFanInAndFanOut(t.shape());
        return normal(t, 0.0, gain * Math.sqrt(2.0 / (fans[0] + fans[1])));
    }

    /**
     * Xavier normal with gain 1.
     *
     * @param t a tensor of at least 2 dimensions (modified)
     * @return {@code t}
     */
    public static Tensor xavierNormal(Tensor t) {
        return xavierNormal(t, 1.0);
    }

    /**
     * Kaiming/He uniform: U(-b, b) with {@code b = gain·√(3 / fan)}, gain from
     * {@link #calculateGain(String, Double) calculateGain(nonlinearity, a)} (PyTorch's
     * {@code kaiming_uniform_}). {@code Linear} uses a = √5, fan_in, leaky_relu: b = 1/√in.
     *
     * @param t            a tensor of at least 2 dimensions (modified)
     * @param a            the negative slope of the rectifier after this layer (for leaky_relu)
     * @param mode         which fan to use
     * @param nonlinearity the PyTorch name of the nonlinearity ({@code "relu"} or {@code "leaky_relu"} usually)
     * @return {@code t}
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, String nonlinearity) {
        double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
        return uniform(t, -bound, bound);
    }

    /**
     * Kaiming uniform with PyTorch's defaults: a = 0, fan_in, leaky_relu (so gain √2).
     *
     * @param t a tensor of at least 2 dimensions (modified)
     * @return {@code t}
     */
    public static Tensor kaimingUniform(Tensor t) {
        return kaimingUniform(t, 0.0, FanMode.FAN_IN, "leaky_relu");
    }

    /**
     * Kaiming/He normal: N(0, std²) with {@code std = gain / √fan} (PyTorch's {@code kaiming_normal_}).
     *
     * @param t            a tensor of at least 2 dimensions (modified)
     * @param a            the negative slope of the rectifier after this layer (for leaky_relu)
     * @param mode         which fan to use
     * @param nonlinearity the PyTorch name of the nonlinearity
     * @return {@code t}
     */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, String nonlinearity) {
        return normal(t, 0.0, kaimingStd(t, a, mode, nonlinearity));
    }

    /**
     * Kaiming normal with PyTorch's defaults: a = 0, fan_in, leaky_relu.
     *
     * @param t a tensor of at least 2 dimensions (modified)
     * @return {@code t}
     */
    public static Tensor kaimingNormal(Tensor t) {
        return kaimingNormal(t, 0.0, FanMode.FAN_IN, "leaky_relu");
    }

    private static double kaimingStd(Tensor t, double a, FanMode mode, String nonlinearity) {
        int[] fans = calculateFanInAndFanOut(t.shape());
        int fan = mode == FanMode.FAN_OUT ? fans[1] : fans[0];
        if (fan == 0) {
            throw new IllegalArgumentException("Initializing zero-element tensors is a no-op (shape "
                    + Arrays.toString(t.shape()) + ")");
        }
        return calculateGain(nonlinearity, a) / Math.sqrt(fan);
    }

    // ------------------------------------------------------------------ internals

    /** Copies the fresh tensor {@code values} into {@code t} and closes it. */
    private static Tensor fillFrom(Tensor t, Tensor values) {
        try {
            return copy(t, values);
        } finally {
            values.close();
        }
    }

    private static void checkTarget(String op, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": tensor is null");
        }
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(op + ": needs a float32 tensor, got " + t.dtype());
        }
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + ": needs a contiguous tensor, got a view with strides "
                    + Arrays.toString(t.strides()));
        }
    }
}
