package io.clgrad;

import java.util.List;

/** The devices every tensor-level test runs on: the CPU backend and each OpenCL device found. */
public final class TestDevices {
    private TestDevices() {
    }

    /** For {@code @MethodSource("io.clgrad.TestDevices#all")}. */
    public static List<Device> all() {
        return Device.all();
    }

    /** The OpenCL devices only (empty without an OpenCL runtime; OpenClRequiredTest fails CI then). */
    public static List<Device> opencl() {
        return Device.all().stream().filter(d -> !d.isCpu()).toList();
    }
}
