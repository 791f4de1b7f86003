package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.io.Checkpoints;
import io.clgrad.nn.BCEWithLogitsLoss;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model file written by {@code clgrad train --save}, rebuilt from its metadata and loaded onto a
 * device: what {@code eval} and {@code predict} start from.
 *
 * @param spec     the architecture
 * @param model    the network with the file's weights
 * @param metadata the file's {@code __metadata__}
 * @param loop     evaluation and prediction helpers for the network
 */
record SavedModel(ModelSpec spec, Module model, Map<String, String> metadata, TrainingLoop loop) {

    static SavedModel open(Path file, Device device) throws IOException {
        Map<String, String> meta = Checkpoints.readMetadata(file);
        ModelSpec spec = ModelSpec.fromMetadata(file.toString(), meta);
        Module net = spec.build();
        net.to(device);
        Checkpoints.load(file, net, null);
        TrainingLoop loop = new TrainingLoop(net, spec.binary() ? new BCEWithLogitsLoss() : new CrossEntropyLoss(), spec);
        return new SavedModel(spec, net, meta, loop);
    }
}
