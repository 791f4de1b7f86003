package io.clgrad.cli;

import io.clgrad.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** {@code clgrad train --devices LIST}: the devices of a data-parallel run, parsed and checked. */
final class ParallelDevices {
    private ParallelDevices() {
    }

    /**
     * The devices {@code --devices} names: {@code all} for every working device, else a comma list of
     * device names ({@code cpu}, {@code opencl:0}, ...), each once.
     *
     * @param list   the option's value
     * @param device {@code --device}'s value (null when not given): the two options exclude each other
     * @param resume {@code --resume}'s value: not supported with --devices
     * @throws IllegalArgumentException naming the problem (empty list, a device twice, an unknown name)
     */
    static List<Device> parse(String list, String device, Path resume) {
        if (device != null) {
            throw new IllegalArgumentException("--device and --devices exclude each other: give --devices "
                    + device + " alone for one device, or a list for several");
        }
        if (resume != null) {
            throw new IllegalArgumentException("--resume is not supported with --devices: resume on one device"
                    + " (--device), or train afresh with --devices");
        }
        String s = list.trim();
        if (s.equalsIgnoreCase("all")) {
            return Device.all();
        }
        List<Device> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String name : s.split(",", -1)) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("--devices '" + list + "': an empty device name; expected a comma"
                        + " list such as cpu,opencl:0, or all");
            }
            Device d = Device.parse(name);
            if (seen.contains(d.id())) {
                throw new IllegalArgumentException("--devices '" + list + "': device " + d.id() + " is named twice;"
                        + " each device holds one replica");
            }
            seen.add(d.id());
            out.add(d);
        }
        return out;
    }

    /** The ids joined with '+', e.g. {@code cpu+opencl:0} (the summary line's "on ..."). */
    static String ids(List<Device> devices) {
        return devices.stream().map(Device::id).collect(Collectors.joining("+"));
    }

    /** Each device with its name, e.g. {@code cpu (Java ...), opencl:0 (cpu-...)}. */
    static String describe(List<Device> devices) {
        return devices.stream().map(d -> d + " (" + d.info().name() + ")").collect(Collectors.joining(", "));
    }
}
