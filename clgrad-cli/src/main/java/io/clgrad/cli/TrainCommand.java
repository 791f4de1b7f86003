package io.clgrad.cli;

import static io.clgrad.cli.MetadataKey.DATA;
import static io.clgrad.cli.MetadataKey.SAMPLES;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.data.CsvDataset;
import io.clgrad.data.DataLoader;
import io.clgrad.data.IdxImageDataset;
import io.clgrad.nn.BCEWithLogitsLoss;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Loss;
import io.clgrad.nn.Module;
import io.clgrad.nn.parallel.DataParallel;
import io.clgrad.optim.Adam;
import io.clgrad.optim.AdamW;
import io.clgrad.optim.Optimizer;
import io.clgrad.optim.SGD;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clgrad train}: trains a network end to end. With no arguments, the seed's SimpleNet(2, 10, 1)
 * on the built-in two-moons data (2,000 samples, 80/20 split) with BCEWithLogitsLoss and
 * Adam(lr=0.01) on {@link Device#best()}; {@code --data fashion-mnist} trains a 784-512-512-10 MLP
 * with CrossEntropyLoss, or with {@code --model cnn} the CNN of PyTorch's classifier tutorial
 * ({@link ConvStack}); {@code --data csv --file F --label COL} the user's own data.
 */
@Command(name = "train",
        showDefaultValues = true,
        description = "Trains a network: by default the PyTorch chapter's SimpleNet on built-in two-moons data.")
final class TrainCommand extends CliCommand {

    @Option(names = "--data", paramLabel = "NAME", defaultValue = "two-moons",
            description = "Data: " + TrainingData.NAMES + ".")
    String data;

    @Mixin
    DataFileOptions source;

    @Mixin
    DeviceOption device;

    @Option(names = "--devices", paramLabel = "LIST",
            description = "Data-parallel training on several devices, e.g. cpu,opencl:0, or all (every device):"
                    + " one replica each, every batch split across them (io.clgrad.nn.parallel.DataParallel).")
    String devices;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 50 for synthetic data, 3 otherwise).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Samples per batch (default: 32 synthetic, 128 otherwise).")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default: 0.01 synthetic, 0.001 otherwise).")
    Double lr;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam", description = "adam, adamw or sgd.")
    String optimizer;

    @Option(names = "--model", paramLabel = "mlp|cnn", defaultValue = "mlp",
            description = "Network: mlp (Linear-ReLU layers of --hidden sizes) or cnn (Conv2d(1,32,3,padding=1)-"
                    + "BatchNorm2d-ReLU-MaxPool2d(2), the same with 64 channels, Flatten, then Linear-ReLU layers of"
                    + " --hidden sizes; for fashion-mnist, mnist, or CSV rows of a square image's pixels).")
    String modelName;

    @Option(names = "--hidden", paramLabel = "SIZES", split = ",",
            description = "Hidden layer sizes (default: 10 synthetic and csv, 512,512 for images; 128 for --model cnn).")
    int[] hidden;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed for data, weights and shuffling.")
    long seed;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "2000", description = "Samples of synthetic data.")
    int samples;

    @Option(names = "--save", paramLabel = "FILE",
            description = "Save the model after each epoch: its state dict only (PyTorch's load_state_dict takes it),"
                    + " for eval and predict.")
    Path save;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Save a full checkpoint after each epoch (model, optimizer, RNG state, epoch), for --resume.")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue from a checkpoint written by --checkpoint, for --epochs more epochs.")
    Path resume;

    @Option(names = "--plot", paramLabel = "PNG", description = "Write loss and accuracy curves to a PNG file.")
    Path plot;

    @Option(names = "--metrics-json", paramLabel = "FILE", description = "Write per-epoch metrics as JSON.")
    Path metricsJson;

    @Option(names = "--quiet", description = "Print only the final summary.")
    boolean quiet;

    @Option(names = "--allow-non-finite",
            description = "Keep training when the loss becomes NaN or infinite (default: stop with an error)."
                    + " A model with non-finite weights is never saved.")
    boolean allowNonFinite;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads of the CPU backend (default: -Dclgrad.threads, CLGRAD_CPU_THREADS or one per processor).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        boolean images = data.equals("fashion-mnist") || data.equals("mnist");
        int epochCount = ArgumentChecks.atLeastOne("--epochs", epochs != null ? epochs : images || data.equals("csv") ? 3 : 50);
        int batch = ArgumentChecks.atLeastOne("--batch-size", batchSize != null ? batchSize : images ? 128 : 32);
        double rate = ArgumentChecks.learningRate("--lr", lr != null ? lr : images ? 1e-3 : 0.01);
        if (hidden != null) {
            ArgumentChecks.hiddenSizes("--hidden", hidden);
        }
        if (!modelName.equals("mlp") && !modelName.equals("cnn")) {
            throw new IllegalArgumentException("unknown --model '" + modelName + "': expected mlp or cnn");
        }
        checkDataOptions(images);
        checkOutputs();
        CpuThreads.request(threads);
        List<Device> parallel = devices == null ? null : ParallelDevices.parse(devices, device.name, resume);
        Device dev = parallel != null ? parallel.get(0) : device.orBest();
        if (parallel != null && batch < parallel.size()) {
            throw new IllegalArgumentException("--batch-size " + batch + " is smaller than the " + parallel.size()
                    + " devices of --devices " + devices + ": every device needs at least one sample per batch");
        }
        String threadWarning = CpuThreads.verify(threads);
        if (threadWarning != null) {
            err().println("clgrad train: warning: " + threadWarning);
        }
        if (threads != null && !dev.isCpu()) {
            err().println("clgrad train: warning: --threads sizes only the Java CPU backend's"
                    + " worker pool; " + dev.id() + " does not use it");
        }
        Tensor.manualSeed(seed);

        warnIfHeaderLooksLikeData();
        TrainingData td = source.load(data, ArgumentChecks.sampleCount("--samples", samples), seed, 0.2);
        ModelSpec modelSpec;
        if (resume != null) {
            ModelFiles.Header resumed = ModelFiles.readHeader(resume);
            modelSpec = resumed.spec();
            if (resumed.metadata().containsKey(DATA.key()) && !resumed.data().equals(data)) {
                throw new IllegalArgumentException(resume + ": the checkpoint was trained on --data " + resumed.data()
                        + ", not " + data);
            }
            if (TrainingData.isSynthetic(data) && resumed.metadata().containsKey(SAMPLES.key())
                    && resumed.samples() != samples) {
                throw new IllegalArgumentException(resume + ": the checkpoint was trained on --samples "
                        + resumed.samples() + ", not " + samples + " (another count generates other data): resume with"
                        + " --samples " + resumed.samples());
            }
            if (modelSpec.inputs() != td.features()) {
                throw new IllegalArgumentException(resume + ": the model takes " + modelSpec.inputs()
                        + " features but --data " + data + " has " + td.features());
            }
            ModelFiles.checkClasses(resume, resumed, td);
            boolean cnn = modelSpec.conv() != null;
            if (spec.commandLine().getParseResult().hasMatchedOption("--model") && cnn != modelName.equals("cnn")) {
                throw new IllegalArgumentException("--model " + modelName + " does not match " + resume + ", which holds"
                        + " a " + (cnn ? "cnn" : "mlp") + "; leave --model out when resuming (the checkpoint's network"
                        + " is used)");
            }
            if (hidden != null && !Arrays.equals(hidden, modelSpec.hidden())) {
                throw new IllegalArgumentException("--hidden " + sizes(hidden) + " does not match " + resume
                        + ", whose hidden sizes are " + sizes(modelSpec.hidden())
                        + "; leave --hidden out when resuming (the checkpoint's network is used)");
            }
        } else if (modelName.equals("cnn")) {
            modelSpec = ModelSpec.cnn(cnnInput(td), hidden != null ? hidden : ConvStack.DEFAULT_HIDDEN, td.classes());
        } else {
            int[] sizes = hidden != null ? hidden : images ? new int[] {512, 512} : new int[] {10};
            modelSpec = ModelSpec.of(td.features(), sizes, td.classes());
        }
        double lr0 = rate;
        DataParallel dp = parallel == null ? null
                : DataParallel.builder(modelSpec::build, ps -> optimizer(ps, lr0)).devices(parallel).build();
        Module<?> model = dp != null ? dp.module() : modelSpec.build();
        model.to(dev);
        Loss<?> criterion = modelSpec.binary() ? new BCEWithLogitsLoss() : new CrossEntropyLoss();
        Optimizer opt = dp != null ? dp.optimizers().get(0) : optimizer(model.parameters(), rate);
        String where = parallel == null ? dev.toString() : ParallelDevices.ids(parallel);
        int firstEpoch = 1;
        if (resume != null) {
            // the checkpoint's hyperparameters win, as with PyTorch's optimizer.load_state_dict, unless
            // --lr was given: then it is set after loading (for g in opt.param_groups: g['lr'] = lr)
            firstEpoch = ModelFiles.resume(resume, model, opt, seed) + 1;
            if (lr != null) {
                opt.setLr(rate);
            }
            rate = opt.lr();
        }

        ProgressReporter progress = new ProgressReporter(out, System.console() != null, quiet, td.heldLabel());
        progress.line(model.toString());
        progress.line(String.format(Locale.ROOT, "parameters: %,d", model.numParameters()));
        if (parallel != null) {
            progress.showDevices(where);
            progress.line("devices: " + ParallelDevices.describe(parallel) + ", data-parallel (one replica each, "
                    + "batches split equally)");
        } else {
            progress.line("device: " + dev + " (" + dev.info().name() + ")");
        }
        if (device.name == null && parallel == null) {
            progress.line("  why: " + Device.bestReason());
        }
        progress.line(String.format(Locale.ROOT, "data: %s, %,d training and %,d %s samples, %d features, %s",
                data, td.train().size(), td.held().size(), td.heldLabel(), td.features(),
                modelSpec.binary() ? "binary" : td.classes() + " classes"));
        progress.line(criterion + ", " + optimizer + " lr=" + rate + ", batch size " + batch + ", "
                + epochCount + " epoch(s)" + (resume != null ? ", resuming after epoch " + (firstEpoch - 1) : ""));

        // with --devices the batches stay on the host: DataParallel moves each shard to its replica
        DataLoader<Tensor[]> trainLoader = DataLoader.builder(td.train()).batchSize(batch).shuffle(true).seed(seed)
                .device(dp != null ? Device.cpu() : dev).prefetch(2).build();
        DataLoader<Tensor[]> heldLoader = DataLoader.builder(td.held()).batchSize(Math.max(batch, 512)).device(dev)
                .prefetch(2).build();
        TrainingLoop loop = new TrainingLoop(model, criterion, modelSpec);
        DivergenceGuard guard = new DivergenceGuard(allowNonFinite, optimizer, rate);
        List<EpochMetrics> history = new ArrayList<>();
        long start = System.nanoTime();
        int lastEpoch = ArgumentChecks.lastEpoch(firstEpoch, epochCount);
        String notSaved = null;
        List<String> savedFiles = new ArrayList<>();
        if (save != null) {
            savedFiles.add("the model file " + save);
        }
        if (checkpoint != null) {
            savedFiles.add("the checkpoint " + checkpoint);
        }
        List<Path> metricFiles = Stream.of(metricsJson, plot).filter(Objects::nonNull).toList();
        // Ctrl-C or SIGTERM from here on: one line on what was saved, and the metrics of the finished epochs
        // a checkpoint resumed in place holds the resumed epoch until the first save of this run
        int savedEpoch = resume != null && save == null && checkpoint != null && OutputPaths.sameFile(resume, checkpoint)
                ? firstEpoch - 1 : 0;
        try (InterruptReport report = new InterruptReport(err(), System.console() != null,
                firstEpoch, lastEpoch, savedEpoch, savedFiles, metricFiles,
                finished -> writeMetricFiles(finished, dev, td))) {
            for (int e = firstEpoch; e <= lastEpoch; e++) {
                report.epochStarted(e);
                progress.startEpoch(e, lastEpoch, trainLoader.numBatches());
                guard.startEpoch(e);
                long t0 = System.nanoTime();
                // the loader's shuffle order of this epoch (0-based), also when resuming
                TrainingLoop.Score tr = dp != null ? loop.trainEpochParallel(dp, trainLoader, e - 1, progress, guard)
                        : loop.trainEpoch(trainLoader, e - 1, opt, progress, guard);
                double secs = (System.nanoTime() - t0) / 1e9;
                TrainingLoop.Score held = loop.evaluate(heldLoader);
                guard.checkHeldLoss(held.loss(), td.heldLabel());
                EpochMetrics m = new EpochMetrics(e, tr.loss(), tr.accuracy(), held.loss(), held.accuracy(),
                        tr.samples() / secs, secs);
                history.add(m);
                report.epochFinished(m);
                progress.endEpoch(m);
                if (save != null || checkpoint != null) {
                    int epoch = e;
                    notSaved = report.save(e, () -> saveEpoch(model, opt, modelSpec, td, epoch));
                }
            }
            double total = (System.nanoTime() - start) / 1e9;
            EpochMetrics last = history.get(history.size() - 1);
            String notSavedWhy = notSaved;
            report.finish(() -> {
                out.println(String.format(Locale.ROOT,
                        "done: %d epoch(s) in %s on %s; final %s accuracy %.4f, loss %.4f%s",
                        history.size(), ProgressReporter.duration(total), where, td.heldLabel(), last.validAccuracy(),
                        last.validLoss(), save == null ? "" : notSavedWhy == null ? "; model saved to " + save
                                : "; model NOT saved to " + save + " (non-finite weights)"));
                out.flush();
                if (plot != null) {
                    CurvePlot.write(plot, history, td.heldLabel());
                    progress.line("curves written to " + plot);
                }
                if (metricsJson != null) {
                    writeMetrics(metricsJson, history, dev, td);
                }
                return null;
            });
        }
        if (dp != null) {
            dp.close();
        }
        if (notSaved != null) {
            throw new IllegalStateException("the model was not saved: " + notSaved);
        }
        return 0;
    }

    /**
     * Writes --save and --checkpoint after epoch {@code epoch} from one host copy of the weights,
     * unless a weight is not finite: a saved model or checkpoint is never replaced with non-finite
     * weights, even with --allow-non-finite.
     *
     * @return null when saved, else why not (also printed as a warning)
     */
    private String saveEpoch(Module<?> model, Optimizer opt, ModelSpec modelSpec, TrainingData td, int epoch)
            throws IOException {
        Map<String, Tensor> weights = ModelFiles.hostStateDict(model);
        try {
            String bad = DivergenceGuard.firstNonFinite(weights);
            if (bad != null) {
                String notSaved = "epoch " + epoch + ": not saved to " + (save != null ? save : checkpoint)
                        + (save != null && checkpoint != null ? " and " + checkpoint : "")
                        + " because the weights are not finite (" + bad + "); the file keeps its earlier content";
                err().println("clgrad train: warning: " + notSaved);
                err().flush();
                return notSaved;
            }
            Map<String, String> fileMeta = ModelFiles.modelMetadata(modelSpec, td, seed, samples);
            if (save != null) {
                try {
                    ModelFiles.saveModel(save, weights, fileMeta);
                } catch (IOException ex) {
                    throw OutputPaths.failed(save, ex);
                }
            }
            if (checkpoint != null) {
                try {
                    ModelFiles.saveCheckpoint(checkpoint, weights, opt, fileMeta, seed, epoch);
                } catch (IOException ex) {
                    throw OutputPaths.failed(checkpoint, ex);
                }
            }
            return null;
        } finally {
            weights.values().forEach(Tensor::close);
        }
    }

    /**
     * Warns when the CSV file's first line, which is read as the header, looks like a data row (a
     * headerless file loses its first sample and names its columns after it). Before loading, so
     * that the warning also explains a "no label column" error.
     */
    private void warnIfHeaderLooksLikeData() {
        if (!data.equals("csv") || source.file == null || !Files.isRegularFile(source.file)) {
            return;
        }
        try {
            if (CsvDataset.headerLooksLikeData(source.file)) {
                err().println("clgrad train: warning: " + source.file + ": the first line looks like"
                        + " data, not column names; clgrad reads line 1 as the header");
                err().flush();
            }
        } catch (IOException | RuntimeException e) {
            // not readable as text: loading the file says why
        }
    }

    /**
     * The convolution blocks of {@code --model cnn} for {@code td}'s rows, which must be the pixels of a
     * square single-channel image (Fashion-MNIST and MNIST: 784 = 28x28).
     *
     * @throws IllegalArgumentException naming the data and its feature count otherwise
     */
    private ConvStack cnnInput(TrainingData td) {
        ConvStack conv = ConvStack.forSquareImages(td.features(), ConvStack.DEFAULT_CHANNELS);
        if (conv == null) {
            throw new IllegalArgumentException("--model cnn trains on single-channel square images: --data fashion-mnist"
                    + " or mnist, or a CSV file whose feature columns are the pixels of an N x N image (N >= "
                    + (1 << ConvStack.DEFAULT_CHANNELS.length) + ", e.g. 784 columns for 28x28); --data " + data
                    + (td.source() != null ? " (" + td.source() + ")" : "") + " has " + td.features() + " features per sample;"
                    + " use --model mlp for it");
        }
        return conv;
    }

    /** Refuses data options that the chosen --data would silently ignore (e.g. --data-dir with two-moons). */
    private void checkDataOptions(boolean images) {
        boolean csv = data.equals("csv");
        String unused = source.dataDir != null && !images ? "--data-dir"
                : source.file != null && !csv ? "--file"
                : source.label != null && !csv ? "--label"
                : (images || csv) && spec.commandLine().getParseResult().hasMatchedOption("--samples") ? "--samples"
                : null;
        if (unused != null) {
            throw new IllegalArgumentException(unused + " does not apply to --data " + data + " (--data-dir: fashion-mnist"
                    + " and mnist; --file and --label: csv; --samples: the generated sets)");
        }
    }

    /**
     * Checks --save, --checkpoint, --plot and --metrics-json before any work, so that a bad path fails
     * at once, and that none of them overwrites an input: --file, --resume or the image set's IDX files.
     */
    private void checkOutputs() {
        if (save != null) {
            OutputPaths.check("--save", save, false);
            OutputPaths.checkReplaceable("--save", save);
        }
        if (plot != null) {
            OutputPaths.check("--plot", plot, true);
            CurvePlot.checkName("--plot", plot);
        }
        if (metricsJson != null) {
            OutputPaths.check("--metrics-json", metricsJson, true);
        }
        if (checkpoint != null) {
            OutputPaths.check("--checkpoint", checkpoint, false);
            OutputPaths.checkReplaceable("--checkpoint", checkpoint);
        }
        Map<String, Path> outputs = new LinkedHashMap<>();
        outputs.put("--save", save);
        outputs.put("--checkpoint", checkpoint);
        outputs.put("--plot", plot);
        outputs.put("--metrics-json", metricsJson);
        Map<String, List<Path>> inputs = new LinkedHashMap<>();
        inputs.put("--file", source.file == null ? List.of() : List.of(source.file));
        inputs.put("--resume", resume == null ? List.of() : List.of(resume));
        if (TrainingData.isImageSet(data)) {
            inputs.put("--data " + data, IdxImageDataset.files(TrainingData.imageDir(data, source.dataDir)));
        }
        OutputPaths.checkDistinct(outputs, inputs, "--checkpoint=--resume");
    }

    /** Layer sizes as the user types them for --hidden, e.g. "512,512". */
    private static String sizes(int[] hidden) {
        return Arrays.stream(hidden).mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
    }

    private Optimizer optimizer(List<Tensor> params, double rate) {
        switch (optimizer) {
            case "adam":
                return new Adam(params, rate);
            case "adamw":
                return new AdamW(params, rate);
            case "sgd":
                return SGD.builder(params).lr(rate).momentum(0.9).build();
            default:
                throw new IllegalArgumentException("unknown --optimizer '" + optimizer + "': expected adam, adamw or sgd");
        }
    }

    /** Writes --plot and --metrics-json (those given) for {@code history}: the interrupted run's files. */
    private void writeMetricFiles(List<EpochMetrics> history, Device dev, TrainingData td) throws IOException {
        if (metricsJson != null) {
            writeMetrics(metricsJson, history, dev, td);
        }
        if (plot != null) {
            CurvePlot.write(plot, history, td.heldLabel());
        }
    }

    private void writeMetrics(Path path, List<EpochMetrics> history, Device dev, TrainingData td) throws IOException {
        List<Map<String, Object>> epochsJson = new ArrayList<>();
        for (EpochMetrics m : history) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", m.epoch());
            e.put("train_loss", m.trainLoss());
            e.put("train_accuracy", m.trainAccuracy());
            e.put(td.heldLabel() + "_loss", m.validLoss());
            e.put(td.heldLabel() + "_accuracy", m.validAccuracy());
            e.put("samples_per_second", m.samplesPerSecond());
            e.put("seconds", m.seconds());
            epochsJson.add(e);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("data", data);
        root.put("device", dev.id());
        root.put("epochs", epochsJson);
        OutputPaths.write(path, (JsonWriter.write(root) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
