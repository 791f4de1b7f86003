package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Sequential;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code copyFrom} whose source lives in the destination's own storage: the same view is a no-op
 * that still bumps the version (as PyTorch's {@code copy_}); another view of the same elements (a
 * transpose) is copied through a temporary, giving what a copy from a separate tensor gives. So
 * {@code m.loadStateDict(m.stateDict())} works on every device (OpenCL refuses overlapping copies).
 */
class CopyIntoItselfTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void copyOntoItselfAndOntoItsOwnTranspose(Device d) {
        try (TensorScope s = Tensors.scope()) {
            Tensor t = Tensor.of(d, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
            long v = t.version();
            t.copyFrom(t);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, t.toFloatArray());
            assertEquals(v + 1, t.version(), "a copy onto itself is still an in-place write");
            t.copyFrom(t.t());
            assertArrayEquals(new float[] {1, 4, 7, 2, 5, 8, 3, 6, 9}, t.toFloatArray(), "transpose in place");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void aModuleLoadsItsOwnStateDict(Device d) {
        Sequential m = new Sequential(new Linear(3, 4), new BatchNorm2d(4)).to(d);
        Map<String, float[]> before = new LinkedHashMap<>();
        m.stateDict().forEach((k, t) -> before.put(k, t.toFloat().toFloatArray()));
        m.loadStateDict(m.stateDict(), true);
        m.stateDict().forEach((k, t) -> assertArrayEquals(before.get(k), t.toFloat().toFloatArray(), k));
    }
}
