package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BackendRegistry;
import io.clgrad.backend.UnaryOp;
import io.clgrad.backend.conformance.Conformance;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The self-test must notice a device whose op is wrong, name the failing cases, and leave no buffer behind. */
class SelfTestTest {
    private static final SelfTest.Settings SMALL = new SelfTest.Settings(1 << 20, 32, 10);

    /** The CPU backend, except that unary RELU computes ABS. */
    private static Backend brokenRelu(Backend cpu) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("unary") && args[0] == UnaryOp.RELU) {
                        args = args.clone();
                        args[0] = UnaryOp.ABS;
                    }
                    try {
                        return method.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aWrongOpFailsTheDeviceAndIsNamed() {
        Backend cpu = BackendRegistry.get().byId("cpu");
        long before = cpu.memoryStats().buffersInUse();
        SelfTest.Result r = SelfTest.run(brokenRelu(cpu), SMALL);
        assertFalse(r.passed());
        // every case of unary RELU with a negative input fails (n=1 may draw a positive one), and nothing else
        List<String> failed = r.opFailures().stream().map(Conformance.Failure::caseName).distinct().toList();
        assertTrue(failed.size() >= 3, () -> "failures: " + r.opFailures());
        assertTrue(failed.stream().allMatch(c -> c.startsWith("unary RELU n=")), () -> "failures: " + failed);
        assertTrue(r.opFailures().get(0).detail().contains("wrong"), r.opFailures().get(0).detail());
        assertTrue(r.errors().isEmpty(), () -> "errors: " + r.errors());
        assertEquals(before, cpu.memoryStats().buffersInUse(), "every buffer freed");
    }

    @Test
    void theCpuBackendPassesTheQuickTablesAndReportsMeasurements() {
        Backend cpu = BackendRegistry.get().byId("cpu");
        SelfTest.Result r = SelfTest.run(cpu, SMALL);
        assertTrue(r.passed(), () -> "failures: " + r.opFailures() + " errors: " + r.errors());
        assertTrue(r.opsChecked() > 50);
        assertTrue(r.launchSyncUs() > 0 && r.launchPipelinedUs() > 0);
        assertTrue(r.hostToDeviceGBs() > 0 && r.deviceToHostGBs() > 0);
        assertTrue(r.gemmGflops() > 0);
    }
}
