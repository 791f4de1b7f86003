package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.clgrad.backend.UnaryOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpLaunch releases what a launch made (the dense copy of a view; the output when the launch
 * fails) and nothing its caller owns, counted by the device allocator's buffers in use.
 */
class OpLaunchTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aSuccessfulLaunchKeepsOnlyItsOutput(Device d) {
        float[] v = {1, 2, 3, 4, 5, 6};
        try (Tensor x = Tensor.of(d, v, 2, 3); Tensor xt = x.t()) {
            MemoryBaseline.settle(d);   // tensors that earlier tests dropped unclosed would otherwise be freed mid-test
            long before = buffersInUse(d);
            try (Tensor y = OpLaunch.run("neg", d, DType.FLOAT32, new int[] {3, 2},
                    (l, out) -> d.backend().unary(UnaryOp.NEG, l.dense(xt), out, 6))) {
                assertEquals(before + 1, buffersInUse(d), "the output only: the transposed copy is released");
                assertArrayEquals(new float[] {-1, -4, -2, -5, -3, -6}, y.toFloatArray());
                assertFalse(xt.isClosed());
                assertFalse(x.isClosed());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aFailedLaunchLeavesNoBufferBehind(Device d) {
        try (Tensor x = Tensor.of(d, new float[] {1, 2, 3, 4, 5, 6}, 2, 3); Tensor xt = x.t()) {
            MemoryBaseline.settle(d);   // tensors that earlier tests dropped unclosed would otherwise be freed mid-test
            long before = buffersInUse(d);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OpLaunch.run("failing", d, DType.FLOAT32, new int[] {3, 2}, (l, out) -> {
                        l.dense(xt);
                        throw new IllegalStateException("launch failed");
                    }));
            assertEquals("launch failed", e.getMessage());
            assertEquals(before, buffersInUse(d), "the output and the dense copy are released");
            assertFalse(xt.isClosed());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, xt.toFloatArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void anEmptyOutputLaunchesNothing(Device d) {
        try (Tensor y = OpLaunch.run("empty", d, DType.FLOAT32, new int[] {0, 3},
                (l, out) -> fail("a launch for an empty output"))) {
            assertArrayEquals(new int[] {0, 3}, y.shape());
        }
    }

    /** Read without reclaiming dropped tensors, so that a temporary left unclosed shows. */
    private static long buffersInUse(Device d) {
        return d.memoryStats().buffersInUse();
    }
}
