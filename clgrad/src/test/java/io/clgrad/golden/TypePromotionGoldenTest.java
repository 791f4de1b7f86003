package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Type promotion against PyTorch (golden/types.json): every binary op on int32/float32/bool pairs
 * and with int and float scalars, the unary ops and reductions of each dtype, the accuracy idiom
 * {@code logits.argmax(1).eq(labels).sum()} and a wrapping int32 overflow. The result's dtype
 * (PyTorch's int64 read as int32), shape and values must match (ints and bools exactly, floats
 * within 1e-5), a bool result prints as PyTorch's, and where PyTorch raises, clgrad throws an
 * {@link IllegalArgumentException} that names the op.
 */
class TypePromotionGoldenTest {
    private static final String FILE = "types.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    /** A fixture operand: int32 and float32 exactly, bool from its 0/1 values. */
    private static Tensor operand(JsonNode t, Device device) {
        Tensor x = Golden.tensor(t, device);
        return t.get("dtype").asText().equals("bool") ? x.toBool() : x;
    }

    private static Tensor call(String name, Tensor self, Class<?>[] types, Object... args) {
        try {
            Method m = Tensor.class.getMethod(name, types);
            return (Tensor) m.invoke(self, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Tensor has no method " + name, e);
        }
    }

    /** The case's op on clgrad tensors, through the public Tensor methods PyTorch's names map to. */
    private static Tensor apply(JsonNode c, Device device) {
        String op = c.get("op").asText();
        Tensor a = operand(c.get("a"), device);
        Tensor b = c.has("b") ? operand(c.get("b"), device) : null;
        switch (op) {
            case "accuracy":
                return a.argmax(1).eq(b).sum();
            case "gt_sum":
                return a.gt(1.0f).sum();
            case "masked":
                return a.mul(a.gt(0f));
            default:
                break;
        }
        if (b != null) {
            return call(op, a, new Class<?>[] {Tensor.class}, b);
        }
        if (c.has("scalar")) {
            boolean isInt = c.get("scalar_type").asText().equals("int");
            return isInt ? call(op, a, new Class<?>[] {int.class}, c.get("scalar").asInt())
                    : call(op, a, new Class<?>[] {float.class}, (float) c.get("scalar").asDouble());
        }
        if (!c.has("dim")) {
            return call(op, a, new Class<?>[0]);
        }
        int dim = c.get("dim").asInt();
        return op.equals("max") || op.equals("min") ? call(op, a, new Class<?>[] {int.class, boolean.class}, dim, false)
                : call(op, a, new Class<?>[] {int.class}, dim);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void matchesPyTorch(Device device, String name, JsonNode c) {
        String fixture = FILE + ": " + name;
        try (TensorScope s = Tensors.scope()) {
            if (c.has("error")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> apply(c, device),
                        fixture + ": PyTorch raises " + c.get("error").asText());
                assertTrue(e.getMessage().startsWith(c.get("op").asText() + ": ")
                        || e.getMessage().startsWith(c.get("op").asText() + "("), fixture + ": " + e.getMessage());
                return;
            }
            Tensor y = apply(c, device);
            JsonNode want = c.get("expected");
            assertEquals(want.get("dtype").asText(), y.dtype().toString(), fixture + ": dtype");
            assertArrayEquals(Golden.shape(want), y.shape(), fixture + ": shape");
            if (want.get("dtype").asText().equals("float32")) {
                Golden.assertClose(fixture, "values", want, y, device, Golden.TOL);
            } else {   // int32 and bool: exact
                assertArrayEquals(Golden.floats(want), y.toFloatArray(), fixture + ": values");
            }
            if (c.has("repr") && device.isCpu()) {
                assertEquals(c.get("repr").asText(), y.toString(), fixture + ": printed");
            }
        }
    }
}
