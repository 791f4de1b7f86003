package io.clgrad.cli;

import io.clgrad.Device;
import picocli.CommandLine.Option;

/** {@code --device DEVICE}, the one device a command runs on (a picocli mixin). */
final class DeviceOption {
    @Option(names = "--device", paramLabel = "DEVICE",
            description = "cpu, opencl, opencl:N or gpu (default: Device.best(), or CLGRAD_DEVICE).")
    String name;

    /** The device {@code --device} names, or {@link Device#best()} without it. */
    Device orBest() {
        return CliCommand.deviceOrBest(name);
    }
}
