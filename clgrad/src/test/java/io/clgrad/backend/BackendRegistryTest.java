package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's documented order and ids: "cpu" first, then "opencl:0", "opencl:1", ... */
class BackendRegistryTest {

    @Test
    void cpuFirstThenOpenClInOrder() {
        BackendRegistry reg = BackendRegistry.get();
        List<Backend> list = reg.backends();
        assertFalse(list.isEmpty(), () -> "no backends; problems: " + reg.problems());
        assertEquals("cpu", list.get(0).id());
        assertEquals(DeviceKind.JAVA_CPU, list.get(0).info().kind());
        for (int i = 0; i < list.size(); i++) {
            Backend b = list.get(i);
            if (i > 0) {
                assertEquals("opencl:" + (i - 1), b.id(), "id of backend " + i);
            }
            assertEquals(b.id(), b.info().id(), "id() vs info().id()");
            assertSame(b, reg.byId(b.id()), "byId(" + b.id() + ")");
        }
        assertSame(reg, BackendRegistry.get(), "the registry is discovered once per process");
    }
}
