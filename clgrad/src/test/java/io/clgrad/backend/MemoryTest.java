package io.clgrad.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clgrad.backend.conformance.Bufs;
import io.clgrad.backend.conformance.Conformance;
import io.clgrad.backend.conformance.Family;
import io.clgrad.backend.conformance.OpCase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allocator contract on every backend: 100,000 allocate/free cycles (with ops in between)
 * return {@code bytesInUse} to where it started and, on OpenCL, are served from the pool; a double
 * free and any use of a freed buffer throw {@link IllegalStateException} instead of crashing; ops do
 * not leak internal temporaries; a buffer of another backend is rejected.
 */
class MemoryTest {
    private static final int CYCLES = 100_000;
    private static final int[] SIZES = {1, 7, 33, 1000, 4096};

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void allocateFreeLoopReturnsToBaseline(Backend b) {
        MemoryStats before = b.memoryStats();
        float[] probe = new float[7];
        for (int i = 0; i < CYCLES; i++) {
            int n = SIZES[i % SIZES.length];
            Buffer buf = b.allocate(ElementType.F32, n);
            try {
                b.fill(buf, n, i % 100);
                if (i % 10_000 == 7) {
                    // a few real ops on a recycled buffer: the pool must hand out working memory
                    Buffer out = b.allocate(ElementType.F32, n);
                    try {
                        b.binaryScalar(BinaryOp.ADD, buf, 0.5f, false, out, n);
                        b.read(out, 0, probe, 0, Math.min(n, 7));
                        assertEquals(i % 100 + 0.5f, probe[0], b.id() + ": ops on a recycled buffer, cycle " + i);
                    } finally {
                        b.free(out);
                    }
                }
            } finally {
                b.free(buf);
            }
        }
        b.synchronize();
        MemoryStats after = b.memoryStats();
        assertEquals(before.bytesInUse(), after.bytesInUse(), () -> b.id() + ": bytesInUse after " + CYCLES
                + " allocate/free cycles; before " + before + ", after " + after);
        assertEquals(before.buffersInUse(), after.buffersInUse(), () -> b.id() + ": buffersInUse; after " + after);
        assertTrue(after.allocations() - before.allocations() >= CYCLES,
                () -> b.id() + ": allocations counts every allocate call; before " + before + ", after " + after);
        assertTrue(after.peakBytesInUse() >= after.bytesInUse(), () -> b.id() + ": peak below current: " + after);
        if (!b.id().equals("cpu")) {
            long fresh = after.deviceAllocations() - before.deviceAllocations();
            assertTrue(fresh <= 2L * SIZES.length, () -> b.id() + ": the pool should reuse buffers, but " + fresh
                    + " of " + (after.allocations() - before.allocations()) + " allocations went to the device");
        }
        b.emptyCache();
        MemoryStats emptied = b.memoryStats();
        assertEquals(0, emptied.bytesCached(), () -> b.id() + ": bytesCached after emptyCache(): " + emptied);
        assertEquals(before.bytesInUse(), emptied.bytesInUse(), () -> b.id() + ": emptyCache changed bytesInUse");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void doubleFreeThrows(Backend b) {
        MemoryStats before = b.memoryStats();
        Buffer buf = b.allocate(ElementType.F32, 33);
        b.free(buf);
        assertTrue(buf.isFreed(), b.id() + ": isFreed() after free");
        assertThrows(IllegalStateException.class, () -> b.free(buf), b.id() + ": second free");
        assertEquals(before.bytesInUse(), b.memoryStats().bytesInUse(), b.id() + ": a rejected double free changed bytesInUse");
        assertEquals(before.buffersInUse(), b.memoryStats().buffersInUse(), b.id() + ": buffersInUse");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void useAfterFreeThrows(Backend b) {
        MemoryStats before = b.memoryStats();
        List<String> problems = new ArrayList<>();
        try (Bufs m = new Bufs(b)) {
            Buffer live = m.f32(new float[64]);
            Buffer liveOut = m.alloc(ElementType.F32, 64);
            Buffer dead = b.allocate(ElementType.F32, 64);
            b.free(dead);
            float[] host = new float[8];
            StridedView deadView = StridedView.contiguous(dead, 8);
            StridedView liveView = StridedView.contiguous(live, 8);
            expectIllegalState(problems, "read", () -> b.read(dead, 0, host, 0, 8));
            expectIllegalState(problems, "write", () -> b.write(dead, 0, host, 0, 8));
            expectIllegalState(problems, "fill", () -> b.fill(dead, 8, 1.0));
            expectIllegalState(problems, "unary (freed input)", () -> b.unary(UnaryOp.EXP, dead, liveOut, 8));
            expectIllegalState(problems, "unary (freed output)", () -> b.unary(UnaryOp.EXP, live, dead, 8));
            expectIllegalState(problems, "binary", () -> b.binary(BinaryOp.ADD, liveView, deadView, liveOut, new int[] {8}));
            expectIllegalState(problems, "binaryScalar", () -> b.binaryScalar(BinaryOp.MUL, dead, 2f, false, liveOut, 8));
            expectIllegalState(problems, "matmul", () -> b.matmul(MatmulSpec.rowMajor(2, 2, 2), live, dead, liveOut));
            expectIllegalState(problems, "reduce", () -> b.reduce(ReduceOp.SUM, dead, liveOut, 1, 8, 1));
            expectIllegalState(problems, "softmax", () -> b.softmax(live, dead, 1, 8, 1, false));
            expectIllegalState(problems, "copy", () -> b.copy(deadView, liveOut));
            expectIllegalState(problems, "randomUniform", () -> b.randomUniform(dead, 8, 1, 0, 0f, 1f));
            // the backend still works afterwards
            b.fill(liveOut, 8, 2.5);
            b.read(liveOut, 0, host, 0, 8);
            assertEquals(2.5f, host[7], b.id() + ": the backend must keep working after rejected calls");
        }
        if (!problems.isEmpty()) {
            fail(b.id() + ": using a freed buffer must throw IllegalStateException (Buffer's contract):\n  "
                    + String.join("\n  ", problems));
        }
        assertEquals(before.bytesInUse(), b.memoryStats().bytesInUse(), b.id() + ": bytesInUse after the test");
    }

    private static void expectIllegalState(List<String> problems, String what, Executable call) {
        try {
            call.execute();
            problems.add(what + ": no exception");
        } catch (IllegalStateException expected) {
            // the contract
        } catch (Throwable t) {
            problems.add(what + ": threw " + t);
        }
    }

    /** An allocation no device can serve fails with an exception and leaves the counters alone. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void impossibleAllocationFailsCleanly(Backend b) {
        MemoryStats before = b.memoryStats();
        RuntimeException e = assertThrows(RuntimeException.class, () -> b.allocate(ElementType.F32, 1L << 40),
                b.id() + ": allocating 4 TiB");
        assertTrue(e instanceof DeviceOutOfMemoryException || e instanceof IllegalArgumentException,
                () -> b.id() + ": allocating 4 TiB should throw DeviceOutOfMemoryException, threw " + e);
        assertEquals(before.bytesInUse(), b.memoryStats().bytesInUse(), b.id() + ": bytesInUse after a failed allocation");
        try (Bufs m = new Bufs(b)) {
            Buffer ok = m.f32(1f, 2f);
            float[] back = new float[2];
            b.read(ok, 0, back, 0, 2);
            assertEquals(2f, back[1], b.id() + ": the backend must keep working after a failed allocation");
        }
    }

    /** Running every op family once leaves bytesInUse and buffersInUse where they were: no leaked temporaries. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource(Backends.ALL)
    void opsDoNotLeak(Backend b) {
        List<String> leaks = new ArrayList<>();
        for (Family f : Family.values()) {
            List<OpCase> cases = f.cases();
            MemoryStats before = b.memoryStats();
            for (int i = 0; i < cases.size(); i += 7) {
                Conformance.runCatching(b, cases.get(i), new ArrayList<>());
            }
            b.synchronize();
            MemoryStats after = b.memoryStats();
            if (after.bytesInUse() != before.bytesInUse() || after.buffersInUse() != before.buffersInUse()) {
                leaks.add(f + ": before " + before + ", after " + after);
            }
        }
        if (!leaks.isEmpty()) {
            fail(b.id() + ": ops leaked buffers:\n  " + String.join("\n  ", leaks));
        }
    }

    /** A buffer of one backend passed to another is rejected with IllegalArgumentException or IllegalStateException. */
    @ParameterizedTest(name = "{0}", allowZeroInvocations = true, autoCloseArguments = false)
    @MethodSource(Backends.NON_CPU)
    void foreignBufferRejected(Backend b) {
        Backend cpu = Backends.cpu();
        List<String> problems = new ArrayList<>();
        try (Bufs onCpu = new Bufs(cpu); Bufs onB = new Bufs(b)) {
            Buffer c = onCpu.alloc(ElementType.F32, 8);
            Buffer d = onB.alloc(ElementType.F32, 8);
            expectRejected(problems, "unary with a cpu input on " + b.id(), () -> b.unary(UnaryOp.NEG, c, d, 8));
            expectRejected(problems, "unary with a " + b.id() + " input on cpu", () -> cpu.unary(UnaryOp.NEG, d, c, 8));
            expectRejected(problems, "free of a cpu buffer on " + b.id(), () -> b.free(c));
            expectRejected(problems, "read of a " + b.id() + " buffer on cpu", () -> cpu.read(d, 0, new float[8], 0, 8));
        }
        if (!problems.isEmpty()) {
            fail("buffers of another backend must be rejected:\n  " + String.join("\n  ", problems));
        }
    }

    private static void expectRejected(List<String> problems, String what, Executable call) {
        try {
            call.execute();
            problems.add(what + ": no exception");
        } catch (IllegalArgumentException | IllegalStateException expected) {
            // the contract
        } catch (Throwable t) {
            problems.add(what + ": threw " + t);
        }
    }
}
