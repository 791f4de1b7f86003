package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The comparison rule itself: |got - want| <= tol * max(1, |want|), and what a failure names. */
class GoldenComparisonTest {

    @Test
    void fixturesRebuildExactly() {
        JsonNode x = Golden.cases("simplenet.json").get(0).get("x");
        Tensor t = Golden.tensor(x, Device.cpu());
        float[] got = t.toFloatArray();
        float[] want = Golden.floats(x);
        assertTrue(java.util.Arrays.equals(got, want));
        assertDoesNotThrow(() -> Golden.assertClose("simplenet.json", "x", x, t, Device.cpu(), 0));
    }

    @Test
    void relativeAboveOneAbsoluteBelow() {
        Device cpu = Device.cpu();
        assertDoesNotThrow(() -> Golden.assertClose("f", "t", new float[] {1000f, 0.001f},
                new float[] {1000.009f, 0.001009f}, cpu, 1e-5));
        assertThrows(AssertionFailedError.class, () -> Golden.assertClose("f", "t", new float[] {1000f},
                new float[] {1000.02f}, cpu, 1e-5));
        assertThrows(AssertionFailedError.class, () -> Golden.assertClose("f", "t", new float[] {0.001f},
                new float[] {0.001011f}, cpu, 1e-5));
        assertThrows(AssertionFailedError.class, () -> Golden.assertClose("f", "t", new float[] {1f},
                new float[] {Float.NaN}, cpu, 1e-5));
    }

    @Test
    void failureNamesFixtureTensorIndexGotWantAndDevice() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> Golden.assertClose(
                "losses.json: MSELoss mean", "input.grad", new float[] {1f, 2f, 3f}, new float[] {1f, 2f, 3.5f},
                Device.cpu(), 1e-5));
        String m = e.getMessage();
        for (String part : new String[] {"losses.json: MSELoss mean", "input.grad", "[2]", "got 3.5", "want 3.0",
                "on " + Device.cpu()}) {
            assertTrue(m.contains(part), () -> "missing '" + part + "' in: " + m);
        }
    }
}
