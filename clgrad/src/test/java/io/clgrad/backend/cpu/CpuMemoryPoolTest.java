package io.clgrad.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import io.clgrad.backend.MemoryStats;
import org.junit.jupiter.api.Test;

/** The CPU backend's pool hands a freed array of the same type and length out again, poisoned in tests. */
class CpuMemoryPoolTest {

    @Test
    void aFreedArrayIsRecycledAndCountedAsCached() {
        try (CpuBackend b = new CpuBackend(1)) {
            Buffer first = b.allocate(ElementType.F32, 1000);
            b.write(first, 0, new float[] {1f, 2f, 3f}, 0, 3);
            b.free(first);
            MemoryStats afterFree = b.memoryStats();
            assertEquals(0, afterFree.bytesInUse());
            assertEquals(4000, afterFree.bytesCached());

            Buffer second = b.allocate(ElementType.F32, 1000);
            MemoryStats s = b.memoryStats();
            assertEquals(2, s.allocations());
            assertEquals(1, s.deviceAllocations(), "the second allocation should reuse the first array");
            assertEquals(0, s.bytesCached());
            float[] head = new float[3];
            b.read(second, 0, head, 0, 3);
            if (Boolean.getBoolean("clgrad.cpu.poisonReused")) {
                assertTrue(Float.isNaN(head[0]) && Float.isNaN(head[2]), "a recycled array should come back poisoned");
            }
            // the old handle no longer reaches the array now in use
            assertThrows(IllegalStateException.class, () -> b.read(first, 0, head, 0, 3));

            Buffer ints = b.allocate(ElementType.I32, 1000);
            assertEquals(2, b.memoryStats().deviceAllocations(), "an int buffer never reuses a float array");
            b.free(second);
            b.free(ints);
            b.emptyCache();
            assertEquals(0, b.memoryStats().bytesCached());
        }
    }
}
