package io.clgrad.backend.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's address-space limit ({@code ulimit -v}, RLIMIT_AS) and how much of it is left, read
 * from {@code /proc/self/limits} and {@code /proc/self/status} (Linux). On OpenCL CPU devices,
 * PoCL allocates with plain {@code malloc} inside kernel builds and launches and aborts
 * the process when that fails, so clgrad keeps {@link #RESERVE} bytes of the limit free for the
 * driver: allocations that would cut into it fail with a {@code DeviceOutOfMemoryException}
 * instead. Where no limit is set (or nothing can be read) there is nothing to check.
 *
 * <p>The limit is read once per process (it is set before the JVM starts; the JVM does not change
 * it), so without a limit {@link #fits} reads nothing; with one, each call reads VmSize.
 */
final class HostAddressSpace {
    /** Address space left to the driver (LLVM compiling a program needs 200-400 MiB on PoCL). */
    static final long RESERVE = reserveFromProperty();

    private static final Path LIMITS = Path.of("/proc/self/limits");
    private static final Path STATUS = Path.of("/proc/self/status");

    private HostAddressSpace() {
    }

    /** {@code -Dclgrad.opencl.hostReserveBytes}, default 512 MiB; a negative value turns the check off (for tests). */
    private static long reserveFromProperty() {
        String s = System.getProperty("clgrad.opencl.hostReserveBytes");
        try {
            return s == null || s.isBlank() ? 512L << 20 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 512L << 20;
        }
    }

    /** The limit, read on first use (class-holder idiom: thread-safe, no lock afterwards). */
    private static final class Limit {
        static final long BYTES = readLimit();
    }

    /** The soft RLIMIT_AS in bytes, or {@link Long#MAX_VALUE} when unlimited or unknown (read once per process). */
    static long limit() {
        return Limit.BYTES;
    }

    /** Reads the soft RLIMIT_AS from {@code /proc/self/limits}, or {@link Long#MAX_VALUE}. */
    private static long readLimit() {
        try {
            for (String line : Files.readAllLines(LIMITS)) {
                if (line.startsWith("Max address space")) {
                    String soft = line.substring("Max address space".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unavailable: no limit we can see
        }
        return Long.MAX_VALUE;
    }

    /** VmSize (the address space the process has mapped) in bytes, or -1 when unknown. */
    static long used() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmSize:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // see readLimit()
        }
        return -1;
    }

    /** Bytes that can still be mapped under the limit, or {@link Long#MAX_VALUE} when there is no limit to see. */
    static long left() {
        long limit = limit();
        long used = limit == Long.MAX_VALUE ? -1 : used();
        return used < 0 ? Long.MAX_VALUE : Math.max(0, limit - used);
    }

    /** Whether {@code bytes} more can be mapped and still leave {@link #RESERVE} free (always, when the check is off). */
    static boolean fits(long bytes) {
        if (RESERVE < 0 || limit() == Long.MAX_VALUE) {
            return true;
        }
        long left = left();
        return left == Long.MAX_VALUE || left - RESERVE >= bytes;
    }
}
