package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets an exception whose message names the op, the shapes, the devices or the misuse. */
class ErrorMessagesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void matmulNamesBothShapes(Device d) {
        Tensor a = Tensor.zeros(d, 5, 2);
        Tensor b = Tensor.zeros(d, 3, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertEquals("matmul: [5, 2] x [3, 10]: inner dimensions 2 != 3", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void broadcastMismatchNamesShapes(Device d) {
        Tensor a = Tensor.zeros(d, 2, 3);
        Tensor b = Tensor.zeros(d, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().startsWith("add: shapes [2, 3] and [4] cannot be broadcast"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void toANullDeviceIsRefusedByName(Device d) {
        Tensor a = Tensor.zeros(d, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.to(null));
        assertTrue(e.getMessage().startsWith("to: device is null"), e.getMessage());
    }

    // No OpenCL device means no invocation here; OpenClRequiredTest fails CI in that case.
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("io.clgrad.TestDevices#opencl")
    void mixingDevicesNamesBoth(Device d) {
        Tensor a = Tensor.ones(2);
        Tensor b = Tensor.ones(d, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.mul(b));
        assertEquals("mul: tensors are on different devices: cpu and " + d.id() + " (move one with .to(device))",
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void useAfterCloseSaysSo(Device d) {
        Tensor a = Tensor.ones(d, 2, 2);
        Tensor view = a.t();
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.relu());
        assertTrue(e.getMessage().contains("was closed; it cannot be used after close()"), e.getMessage());
        assertThrows(IllegalStateException.class, a::item);
        // a view keeps the storage alive: closing the source does not pull memory from under it
        assertEquals(4f, view.sum().item());
        view.close();
    }

    @Test
    void badShapesAndValuesAreNamed() {
        Tensor t = Tensor.zeros(2, 3);
        assertEquals("reshape: shape [4, -1] is invalid for input of size 6",
                assertThrows(IllegalArgumentException.class, () -> t.reshape(4, -1)).getMessage());
        assertEquals("item: a tensor with 6 elements cannot be converted to a scalar (shape [2, 3])",
                assertThrows(IllegalArgumentException.class, t::item).getMessage());
        assertEquals("of: 5 values do not fill shape [2, 2] (4 elements)",
                assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 2)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.sum(2, false)).getMessage()
                .startsWith("sum: dimension 2 out of range for shape [2, 3]"));
        Tensor labels = Tensor.of(new int[] {1, 2});
        // exp of int32 is float32 as in PyTorch (TypePromotionTest); the mean of an integer tensor is refused
        assertTrue(assertThrows(IllegalArgumentException.class, labels::mean).getMessage()
                .contains("mean: could not infer output dtype. Input dtype must be a floating point dtype, got int32"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(Tensor.zeros(5, 3), Tensor.of(new int[] {0, 1, 2, 0}), -100, 0f,
                        LossReduction.MEAN)).getMessage().contains("target shape [4] does not match input [5, 3]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Functional.binaryCrossEntropyWithLogits(Tensor.zeros(5, 1), Tensor.zeros(5), null, null,
                        LossReduction.MEAN)).getMessage().contains("target size [5] must be the same as input size [5, 1]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu")).getMessage()
                .contains("unknown device 'tpu'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Device.opencl(99)).getMessage()
                .contains("no OpenCL device opencl:99"));
    }

    @Test
    void limitsAndViewsAreChecked() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 1, 1, 1, 1, 1, 1, 1, 2))
                .getMessage().contains("clgrad tensors have at most 8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tensor.ones(1).expand(65536, 65536))
                .getMessage().contains("has more than 2147483647 elements"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536, 65536, 65536))
                .getMessage().contains("has more than 2147483647 elements"));
        Tensor t = Tensor.zeros(2, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.t().view(6)).getMessage()
                .contains("use reshape()"));
        assertEquals(6, t.t().reshape(6).numel());
        Tensor scalar = Tensor.scalar(1f);
        assertThrows(IllegalArgumentException.class, () -> scalar.transpose(5, 7));
        assertThrows(IllegalArgumentException.class, () -> scalar.squeeze(3));
    }
}
