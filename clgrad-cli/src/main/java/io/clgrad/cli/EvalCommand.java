package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.data.DataLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clgrad eval}: loads a model file written by {@code clgrad train --save} and reports its
 * loss and accuracy on the held-out part of a data set (the test set for Fashion-MNIST/MNIST; for
 * synthetic and CSV data the same validation split as in training, from the seed in the file).
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        showDefaultValues = true,
        description = "Evaluates a saved model on held-out data.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "Model file from clgrad train --save.")
    Path model;

    @Option(names = "--data", paramLabel = "NAME", description = "Data (default: the data the model was trained on).")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory of the fashion-mnist/mnist files.")
    Path dataDir;

    @Option(names = "--file", paramLabel = "F", description = "CSV file for --data csv.")
    Path file;

    @Option(names = "--label", paramLabel = "COL", description = "Label column of the CSV file.")
    String label;

    @Option(names = "--device", paramLabel = "DEVICE", description = "cpu, opencl, opencl:N or gpu.")
    String device;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "512", description = "Samples per batch.")
    int batchSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        Device dev = device == null ? Device.best() : Device.parse(device);
        SavedModel saved = SavedModel.open(model, dev);
        ModelSpec modelSpec = saved.spec();
        String name = data != null ? data : saved.header().data();
        long seed = saved.header().seed();
        int samples = saved.header().samples();
        TrainingData td = TrainingData.load(name, dataDir, file, label, samples, seed, 0.2);
        if (td.features() != modelSpec.inputs()) {
            throw new IllegalArgumentException(model + ": the model takes " + modelSpec.inputs() + " features but --data "
                    + name + " has " + td.features());
        }
        ModelFiles.checkClasses(model, saved.header(), td);
        TrainingLoop loop = saved.loop();
        DataLoader<Tensor[]> loader = DataLoader.builder(td.held()).batchSize(batchSize).device(dev).build();
        TrainingLoop.Score s = loop.evaluate(loader);
        spec.commandLine().getOut().println(String.format(Locale.ROOT, "%s: %s accuracy %.4f, loss %.4f on %,d samples (%s, %s)",
                model, td.heldLabel(), s.accuracy(), s.loss(), s.samples(), name, dev));
        return 0;
    }
}
