package io.clgrad.autograd;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import java.util.Random;
import java.util.function.Function;

/**
 * Checks autograd's gradients against central finite differences, like
 * {@code torch.autograd.gradcheck}. The scalar probed is {@code L = Σ_k f(x)_k · w_k} with fixed
 * random weights w, accumulated on the host in double; each input element is moved by ±eps and
 * {@code (L(x+eps) - L(x-eps)) / 2eps} is compared with the analytic {@code dL/dx} from
 * {@code backward()}.
 *
 * <p>Inputs are float32, so the forward values carry float rounding: the default eps (1e-3) and
 * tolerances ({@code |analytic - numeric| <= atol + rtol·|numeric|}, atol 1e-3, rtol 1e-2) are
 * chosen for that. Keep inputs small (each element costs two forward passes) and away from kinks
 * (0 for relu/abs, ties for max).
 *
 * <pre>{@code
 * GradCheck.check("mul", xs -> xs[0].mul(xs[1]), Tensor.randn(3, 4), Tensor.randn(4));
 * }</pre>
 */
public final class GradCheck {
    private static final double EPS = 1e-3;
    private static final double ATOL = 1e-3;
    private static final double RTOL = 1e-2;

    private GradCheck() {
    }

    /**
     * Compares analytic and numeric gradients of {@code f} at {@code inputs} (float32, any device;
     * not modified). Every input gets a gradient.
     *
     * @throws IllegalStateException naming the op, the input, the element and both values on the
     *                               first mismatch, or when an input receives no gradient
     */
    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        try (TensorScope scope = Tensors.scope()) {
            Device device = inputs[0].device();
            float[][] values = new float[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                values[i] = inputs[i].toFloatArray();
            }
            Tensor probe;
            try (Autograd.Mode m = Autograd.noGrad()) {
                probe = f.apply(leaves(inputs, values, false));
            }
            float[] weights = weights(probe.numel());
            Tensor w = Tensor.of(probe.device(), weights, weights.length).reshape(probe.shape());
            Tensor[] xs = leaves(inputs, values, true);
            Tensor out = f.apply(xs);
            out.mul(w).sum().backward();
            for (int i = 0; i < inputs.length; i++) {
                if (xs[i].grad() == null) {
                    throw new IllegalStateException(name + ": input " + i + " received no gradient");
                }
                float[] analytic = xs[i].grad().toFloatArray();
                for (int j = 0; j < values[i].length; j++) {
                    double numeric = numeric(f, inputs, values, weights, i, j);
                    double err = Math.abs(analytic[j] - numeric);
                    if (!(err <= ATOL + RTOL * Math.abs(numeric))) {
                        throw new IllegalStateException(String.format(
                                "%s on %s: gradient of input %d %s at element %d: analytic %.6g, numeric %.6g",
                                name, device, i, io.clgrad.Shape.str(inputs[i].shape()), j, analytic[j], numeric));
                    }
                }
            }
        }
    }

    private static double numeric(Function<Tensor[], Tensor> f, Tensor[] inputs, float[][] values, float[] weights,
                                  int i, int j) {
        float original = values[i][j];
        try {
            values[i][j] = (float) (original + EPS);
            double plus = probe(f, inputs, values, weights);
            values[i][j] = (float) (original - EPS);
            double minus = probe(f, inputs, values, weights);
            double step = (double) (float) (original + EPS) - (double) (float) (original - EPS);
            return (plus - minus) / step;
        } finally {
            values[i][j] = original;
        }
    }

    /** L(x) = Σ f(x)_k w_k, summed in double on the host. */
    private static double probe(Function<Tensor[], Tensor> f, Tensor[] inputs, float[][] values, float[] weights) {
        try (TensorScope s = Tensors.scope(); Autograd.Mode m = Autograd.noGrad()) {
            float[] out = f.apply(leaves(inputs, values, false)).toFloatArray();
            double sum = 0;
            for (int k = 0; k < out.length; k++) {
                sum += (double) out[k] * weights[k];
            }
            return sum;
        }
    }

    private static Tensor[] leaves(Tensor[] inputs, float[][] values, boolean requiresGrad) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            int[] shape = inputs[i].shape();
            Tensor t = Tensor.of(inputs[i].device(), values[i], shape.length == 0 ? new int[] {1} : shape);
            xs[i] = (shape.length == 0 ? t.reshape() : t).detach().requiresGrad(requiresGrad);
        }
        return xs;
    }

    private static float[] weights(int n) {
        Random r = new Random(12345);
        float[] w = new float[n];
        for (int k = 0; k < n; k++) {
            w[k] = (float) (0.5 + r.nextDouble());
        }
        return w;
    }
}
