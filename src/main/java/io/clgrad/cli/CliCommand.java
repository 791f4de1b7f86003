package io.clgrad.cli;

import io.clgrad.Device;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the commands that run on devices share: {@code --help} and {@code --version}, options
 * listed in the order they are declared (picocli passes a superclass's {@code @Command} attributes
 * on to each subclass), the command's picocli spec with its output writers, and the choice of
 * devices from {@code --device}.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
abstract class CliCommand implements Callable<Integer> {
    /** The running command, set by picocli. */
    @Spec
    CommandSpec spec;

    /** The command's stdout (picocli's writer, which tests capture). */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The command's stderr (picocli's writer, which tests capture). */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The device that {@code --device} names, or {@link Device#best()} without it. */
    static Device deviceOrBest(String device) {
        return device == null ? Device.best() : Device.parse(device);
    }

    /** The device that {@code --device} names, or every device without it. */
    static List<Device> deviceOrAll(String device) {
        return device == null ? Device.all() : List.of(Device.parse(device));
    }
}
