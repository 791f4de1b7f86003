package io.clgrad.backend.opencl;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.backend.DeviceOutOfMemoryException;
import io.clgrad.backend.MemoryStats;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link HostMemoryLimitTest} in a child JVM under {@code ulimit -v}: allocates 256 MiB
 * tensors on opencl:0 until the host cannot back them, then checks that the failure was a
 * {@link DeviceOutOfMemoryException} with correct counters and that the device still computes.
 * With the argument {@code prebuilt} every kernel is built first (the run that disables clgrad's
 * address-space reserve, so that the driver's own {@code CL_OUT_OF_HOST_MEMORY} is what stops it).
 * Prints {@code host-limit-ok} and exits 0 on success; exit 3 means no OpenCL device.
 */
public final class HostMemoryLimitMain {
    static final long CHUNK = 256L << 20;

    private HostMemoryLimitMain() {
    }

    /** Entry point of the child JVM. */
    public static void main(String[] args) {
        if (Device.all().stream().allMatch(Device::isCpu)) {
            System.out.println("no OpenCL device");
            System.exit(3);
        }
        Device d = Device.opencl(0);
        if (args.length > 0 && args[0].equals("prebuilt")) {
            d.backend().prepareKernels();
        }
        long limit = HostAddressSpace.limit();
        check(limit < (1L << 40), "run this under a small ulimit -v (the limit is " + limit + " bytes)");
        long used = HostAddressSpace.used();
        check(used > 0, "no VmSize line in /proc/self/status");
        long headroom = limit - used;
        System.out.println("address space left under the limit: " + headroom + " bytes");
        int tries = (int) (headroom / CHUNK) + 8;   // certainly more than the limit allows
        List<Tensor> held = new ArrayList<>();
        DeviceOutOfMemoryException oom = null;
        try {
            for (int i = 0; i < tries; i++) {
                held.add(Tensor.zeros(d, 64, 1024, 1024));   // 256 MiB of float
            }
        } catch (DeviceOutOfMemoryException e) {
            oom = e;
        }
        check(oom != null, "no DeviceOutOfMemoryException after " + held.size() + " chunks of " + CHUNK + " bytes");
        System.out.println("caught: " + oom.getMessage());
        check(oom.allocation().requestedBytes() == CHUNK, "requestedBytes " + oom.allocation().requestedBytes());
        check(oom.allocation().bytesInUse() == held.size() * CHUNK, "bytesInUse " + oom.allocation().bytesInUse() + " with " + held.size() + " held");
        MemoryStats stats = d.memoryStats();
        check(stats.bytesInUse() == held.size() * CHUNK, "stats after the failure: " + stats);
        // the tensors allocated before the failure are intact and usable
        // while they are held: they are intact, and new kernels (reduce, elementwise) build and run
        try (Tensor s = held.get(0).sum(); Tensor x = Tensor.ones(d, 3, 4); Tensor sq = x.mul(x);
             Tensor sqSum = sq.sum()) {
            check(s.item() == 0f, "a held tensor sums to " + s.item());
            check(sqSum.item() == 12f, "sum of ones(3,4) squared: " + sqSum.item());
        }
        for (Tensor t : held) {
            t.close();
        }
        check(d.memoryStats().bytesInUse() == 0, "stats after closing: " + d.memoryStats());
        // the device keeps working: a new large buffer fits again and a small op is right
        try (Tensor big = Tensor.ones(d, 64, 1024, 1024); Tensor bigSum = big.sum();
             Tensor x = Tensor.full(d, 2f, 5); Tensor y = x.exp(); Tensor ySum = y.sum()) {
            check(bigSum.item() == 64f * 1024 * 1024, "sum of the new large tensor: " + bigSum.item());
            check(Math.abs(ySum.item() - 5 * Math.exp(2)) < 1e-4, "5 * exp(2) came out as " + ySum.item());
        }
        check(d.memoryStats().bytesInUse() == 0, "stats at the end: " + d.memoryStats());
        System.out.println("host-limit-ok");
        System.exit(0);   // do not wait for non-daemon threads
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
