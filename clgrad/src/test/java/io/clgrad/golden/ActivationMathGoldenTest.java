package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.nn.ELU;
import io.clgrad.nn.GELU;
import io.clgrad.nn.Hardtanh;
import io.clgrad.nn.LeakyReLU;
import io.clgrad.nn.LogSoftmax;
import io.clgrad.nn.SiLU;
import io.clgrad.nn.Softmax;
import io.clgrad.nn.Softplus;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The elementwise math of issue 11 step (3) against PyTorch (golden/activation_math.json, written by
 * make-golden.py's {@code activation_math}): clamp with both bounds, one bound and min > max,
 * hardtanh, log1p, expm1, erf, gelu (none and tanh), silu, leaky_relu, elu and softplus, forward
 * and the gradient of {@code sum(y * upstream)}, on random inputs plus the bounds themselves
 * (clamp's gradient passes there, hardtanh's does not), ±0, tiny |x| and large |x|. log1p and expm1
 * are also held to 1e-5 of |want| (relative near 0, where a composed log(1 + x) is off by up to 100%).
 */
class ActivationMathGoldenTest {
    private static final String FILE = "activation_math.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    private static Tensor apply(String op, JsonNode p, Tensor x) {
        return switch (op) {
            case "clamp" -> x.clamp(p.get(0).floatValue(), p.get(1).floatValue());
            case "clamp_min" -> x.clampMin(p.get(0).floatValue());
            case "clamp_max" -> x.clampMax(p.get(0).floatValue());
            case "hardtanh" -> Functional.hardtanh(x, p.get(0).floatValue(), p.get(1).floatValue());
            case "log1p" -> x.log1p();
            case "expm1" -> x.expm1();
            case "erf" -> x.erf();
            case "gelu" -> Functional.gelu(x, p.get(0).asText());
            case "silu" -> Functional.silu(x);
            case "leaky_relu" -> Functional.leakyRelu(x, p.get(0).floatValue());
            case "elu" -> Functional.elu(x, p.get(0).floatValue());
            case "softplus" -> Functional.softplus(x, p.get(0).floatValue(), p.get(1).floatValue());
            default -> throw new IllegalArgumentException(op);
        };
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        String fixture = FILE + ": " + name;
        String op = c.get("op").asText();
        Tensor x = Golden.leaf(c.get("x"), device);
        Tensor y = apply(op, c.get("params"), x);
        y.mul(Golden.tensor(c.get("upstream"), device)).sum().backward();
        Golden.assertClose(fixture, "output", c.get("output"), y, device, Golden.TOL);
        Golden.assertClose(fixture, "x.grad", c.get("x_grad"), x.grad(), device, Golden.TOL);
        if (op.equals("log1p") || op.equals("expm1")) {
            float[] want = Golden.floats(c.get("output"));
            float[] got = y.toFloatArray();
            float[] in = x.toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertTrue(Float.compare(got[i], want[i]) == 0 || Math.abs(got[i] - want[i]) <= Golden.TOL * Math.abs(want[i]),
                        fixture + " on " + device + ": " + op + "(" + in[i] + ") = " + got[i] + ", PyTorch "
                                + want[i] + " (relative 1e-5)");
            }
        }
    }

    @Test
    void modulesPrintAsPyTorch() {
        assertEquals("LeakyReLU(negative_slope=0.01)", new LeakyReLU().toString());
        assertEquals("LeakyReLU(negative_slope=0.2)", new LeakyReLU(0.2f).toString());
        assertEquals("GELU(approximate='none')", new GELU().toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertEquals("SiLU()", new SiLU().toString());
        assertEquals("ELU(alpha=1.0)", new ELU().toString());
        assertEquals("Softplus(beta=1, threshold=20)", new Softplus().toString());
        assertEquals("Hardtanh(min_val=-1.0, max_val=1.0)", new Hardtanh().toString());
        assertEquals("Softmax(dim=1)", new Softmax(1).toString());
        assertEquals("LogSoftmax(dim=1)", new LogSoftmax(1).toString());
    }
}
