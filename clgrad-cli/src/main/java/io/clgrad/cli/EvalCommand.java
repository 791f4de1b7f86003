package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.data.DataLoader;
import java.io.IOException;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clgrad eval}: loads a model file written by {@code clgrad train --save} and reports its
 * loss and accuracy on the held-out part of a data set (the test set for Fashion-MNIST/MNIST; for
 * synthetic and CSV data the same validation split as in training, from the seed in the file).
 */
@Command(name = "eval",
        showDefaultValues = true,
        description = "Evaluates a saved model on held-out data.")
final class EvalCommand extends CliCommand {

    @Mixin
    ModelFileOption model;

    @Option(names = "--data", paramLabel = "NAME", description = "Data (default: the data the model was trained on).")
    String data;

    @Mixin
    DataFileOptions source;

    @Mixin
    DeviceOption device;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "512", description = "Samples per batch.")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        ArgumentChecks.atLeastOne("--batch-size", batchSize);
        Device dev = device.orBest();
        SavedModel saved = model.open(dev);
        ModelSpec modelSpec = saved.spec();
        String name = data != null ? data : saved.header().data();
        long seed = saved.header().seed();
        int samples = saved.header().samples();
        TrainingData td = source.load(name, samples, seed, 0.2);
        if (td.features() != modelSpec.inputs()) {
            throw new IllegalArgumentException(model.file + ": the model takes " + modelSpec.inputs() + " features but --data "
                    + name + " has " + td.features());
        }
        ModelFiles.checkClasses(model.file, saved.header(), td);
        TrainingLoop loop = saved.loop();
        DataLoader<Tensor[]> loader = DataLoader.builder(td.held()).batchSize(batchSize).device(dev).build();
        TrainingLoop.Score s = loop.evaluate(loader);
        out().println(String.format(Locale.ROOT, "%s: %s accuracy %.4f, loss %.4f on %,d samples (%s, %s)",
                model.file, td.heldLabel(), s.accuracy(), s.loss(), s.samples(), name, dev));
        return 0;
    }
}
