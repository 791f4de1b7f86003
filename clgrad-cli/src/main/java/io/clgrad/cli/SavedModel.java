package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.io.Checkpoint;
import io.clgrad.io.Checkpoints;
import io.clgrad.io.ModelFileException;
import io.clgrad.nn.BCEWithLogitsLoss;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Module;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file written by {@code clgrad train --save} (or a checkpoint of {@code --checkpoint}),
 * checked against its header, rebuilt from its metadata and loaded onto a device: what {@code eval}
 * and {@code predict} start from.
 *
 * @param header the file's validated header (architecture, data settings, metadata)
 * @param model  the network with the file's weights
 * @param loop   evaluation and prediction helpers for the network
 */
record SavedModel(ModelFiles.Header header, Module<?> model, TrainingLoop loop) {

    /**
     * Opens a model file. Everything the metadata says is checked against the tensors' shapes in
     * the file's header before the network is built, so a hostile file cannot make clgrad allocate
     * more than the file holds.
     *
     * @throws ModelFileException naming the file and the problem
     */
    static SavedModel open(Path file, Device device) throws IOException {
        ModelFiles.Header header = ModelFiles.readHeader(file);
        ModelSpec spec = header.spec();
        Module<?> net = spec.build();
        net.to(device);
        try (Checkpoint ck = Checkpoints.load(file)) {
            net.loadStateDict(ck.model());
        } catch (IllegalArgumentException e) {   // the header was checked; kept for a file changed meanwhile
            throw new ModelFileException(file, "does not fit the model: "
                    + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " "), e);
        }
        TrainingLoop loop = new TrainingLoop(net, spec.binary() ? new BCEWithLogitsLoss() : new CrossEntropyLoss(), spec);
        return new SavedModel(header, net, loop);
    }

    /** The architecture. */
    ModelSpec spec() {
        return header.spec();
    }
}
