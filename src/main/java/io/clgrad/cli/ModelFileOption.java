package io.clgrad.cli;

import io.clgrad.Device;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model FILE}, the model file that {@code eval} and {@code predict} load (a picocli mixin). */
final class ModelFileOption {
    @Option(names = "--model", paramLabel = "FILE", required = true, description = "Model file from clgrad train --save.")
    Path file;

    /** The model file checked, rebuilt and loaded onto {@code device} ({@link SavedModel#open}). */
    SavedModel open(Device device) throws IOException {
        return SavedModel.open(file, device);
    }
}
