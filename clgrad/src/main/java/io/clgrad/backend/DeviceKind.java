package io.clgrad.backend;

/** What kind of processor a backend runs on; {@code Device.best()} prefers GPUs and accelerators. */
public enum DeviceKind {
    /** The pure-Java CPU backend. */
    JAVA_CPU,
    /** An OpenCL CPU device (e.g. PoCL). */
    OPENCL_CPU,
    /** An OpenCL GPU. */
    OPENCL_GPU,
    /** An OpenCL accelerator or custom device. */
    OPENCL_ACCELERATOR;

    /** Whether {@code Device.best()} should prefer this kind over the CPU backend. */
    public boolean isAccelerated() {
        return this == OPENCL_GPU || this == OPENCL_ACCELERATOR;
    }
}
