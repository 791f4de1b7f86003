package io.clgrad.spark;

import io.clgrad.Device;
import java.io.Serializable;

/**
 * The device a task runs on, as set on the driver and resolved on each executor: a device spec
 * ("cpu", "opencl:0", "gpu"), checked when it is set so that a malformed one fails on the driver,
 * or none for each executor's {@link Device#best()}. Shared by {@link SparkTrainer} and
 * {@link SparkScorer}.
 *
 * @param spec the spec, or null for the executor's best device
 */
record ExecutorDevice(String spec) implements Serializable {
    /** Each executor's best device. */
    static final ExecutorDevice BEST = new ExecutorDevice(null);

    /**
     * The device named by {@code spec}, refused here (on the driver) when malformed.
     *
     * @param spec a device spec, or null for each executor's best device
     * @return the device setting
     * @throws IllegalArgumentException when the spec is malformed
     */
    static ExecutorDevice of(String spec) {
        if (spec != null) {
            Device.parse(spec);
        }
        return new ExecutorDevice(spec);
    }

    /**
     * The device on this executor.
     *
     * @return the named device, or this executor's best one
     */
    Device resolve() {
        return spec == null ? Device.best() : Device.parse(spec);
    }
}
