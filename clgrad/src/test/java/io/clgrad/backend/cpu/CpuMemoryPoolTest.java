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

    @Test
    void manySizesEachGetTheirOwnArraysBackAndNothingAfterEmptyCache() {
        // more sizes and both types than the pool's 16 recent lists hold, so lists share slots
        try (CpuBackend b = new CpuBackend(1)) {
            int sizes = 40;
            java.util.Map<Object, Integer> lengthOf = new java.util.IdentityHashMap<>();
            for (int round = 0; round < 3; round++) {
                Buffer[] bufs = new Buffer[2 * sizes];
                for (int i = 0; i < sizes; i++) {
                    bufs[2 * i] = b.allocate(ElementType.F32, 100 + 7 * i);
                    bufs[2 * i + 1] = b.allocate(ElementType.I32, 100 + 7 * i);
                }
                for (int i = 0; i < 2 * sizes; i++) {
                    CpuBuffer c = (CpuBuffer) bufs[i];
                    Object array = i % 2 == 0 ? c.floats() : c.ints();
                    int length = java.lang.reflect.Array.getLength(array);
                    assertEquals(100 + 7 * (i / 2), length, "buffer " + i + " in round " + round);
                    Integer before = lengthOf.put(array, length);
                    assertTrue(before == null || before == length, "an array came back at another length");
                }
                for (Buffer buf : bufs) {
                    b.free(buf);
                }
            }
            MemoryStats s = b.memoryStats();
            assertEquals(6L * sizes, s.allocations());
            assertEquals(2L * sizes, s.deviceAllocations(), "rounds 2 and 3 reuse round 1's arrays, each at its size");
            b.emptyCache();
            b.allocate(ElementType.I32, 100 + 7 * (sizes - 1));   // the size freed last, whose list was used last
            assertEquals(2L * sizes + 1, b.memoryStats().deviceAllocations(), "after emptyCache nothing is reused");
            assertEquals(0, b.memoryStats().bytesCached());
        }
    }
}
