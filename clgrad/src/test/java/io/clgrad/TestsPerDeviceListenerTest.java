package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.launcher.TestIdentifier;
import org.opentest4j.TestAbortedException;

/** The device names that {@link TestsPerDeviceListener} finds in display names, and how it counts results. */
class TestsPerDeviceListenerTest {
    @Test
    void devicesAreFoundInDisplayNames() {
        assertEquals("cpu", TestsPerDeviceListener.deviceOf("cpu"));
        assertEquals("opencl:0", TestsPerDeviceListener.deviceOf("opencl:0"));
        assertEquals("opencl:12", TestsPerDeviceListener.deviceOf("[3] opencl:12, 64x64"));
        assertEquals("cpu", TestsPerDeviceListener.deviceOf("[1] cpu, keepdim=true"));
        assertEquals("no device", TestsPerDeviceListener.deviceOf("cpu-mutant softmax"));
        assertEquals("no device", TestsPerDeviceListener.deviceOf("cpus and opencl:x"));
        assertEquals("no device", TestsPerDeviceListener.deviceOf("sum drops the last element of an all-reduce"));
    }

    @Test
    void failedAssumptionsCountAsSkippedNotFailed() {
        TestsPerDeviceListener l = new TestsPerDeviceListener();
        l.executionFinished(test("[1] cpu"), TestExecutionResult.successful());
        l.executionFinished(test("[2] opencl:0"), TestExecutionResult.aborted(new TestAbortedException("no GPU")));
        l.executionFinished(test("[3] opencl:0"), TestExecutionResult.failed(new AssertionError("wrong")));
        l.executionSkipped(test("[4] cpu"), "disabled");
        assertEquals("cpu 1 passed, 0 failed, 1 skipped; opencl:0 0 passed, 1 failed, 1 skipped", l.summary());
    }

    @Test
    void dynamicTestsCountAndContainersOnlyWhenTheyDidNotSucceed() {
        TestsPerDeviceListener l = new TestsPerDeviceListener();
        // a @TestFactory's dynamic tests are tests; the factory and a class that ran fine are not counted
        l.executionFinished(node("cpu", TestDescriptor.Type.TEST), TestExecutionResult.successful());
        l.executionFinished(node("opencl:0", TestDescriptor.Type.TEST),
                TestExecutionResult.aborted(new TestAbortedException("skip")));
        l.executionFinished(node("factory()", TestDescriptor.Type.CONTAINER), TestExecutionResult.successful());
        // a class whose @BeforeAll threw ran none of its tests: one failure; an assumption there: one skip
        l.executionFinished(node("BrokenTest", TestDescriptor.Type.CONTAINER),
                TestExecutionResult.failed(new IllegalStateException("setup")));
        l.executionFinished(node("NeedsGpuTest", TestDescriptor.Type.CONTAINER),
                TestExecutionResult.aborted(new TestAbortedException("no GPU")));
        l.executionSkipped(node("DisabledTest", TestDescriptor.Type.CONTAINER), "disabled");
        assertEquals("cpu 1 passed, 0 failed, 0 skipped; opencl:0 0 passed, 0 failed, 1 skipped; "
                + "no device 0 passed, 1 failed, 2 skipped", l.summary());
    }

    private static TestIdentifier test(String name) {
        return node(name, TestDescriptor.Type.TEST);
    }

    private static TestIdentifier node(String name, TestDescriptor.Type type) {
        UniqueId id = UniqueId.forEngine("junit-jupiter").append("test", name);
        return TestIdentifier.from(new AbstractTestDescriptor(id, name) {
            @Override
            public Type getType() {
                return type;
            }
        });
    }
}
