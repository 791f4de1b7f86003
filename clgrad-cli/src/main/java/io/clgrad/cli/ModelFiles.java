package io.clgrad.cli;

import static io.clgrad.cli.MetadataKey.CLASSES;
import static io.clgrad.cli.MetadataKey.DATA;
import static io.clgrad.cli.MetadataKey.EPOCH;
import static io.clgrad.cli.MetadataKey.RNG_STATE;
import static io.clgrad.cli.MetadataKey.SAMPLES;
import static io.clgrad.cli.MetadataKey.SEED;
import static io.clgrad.io.ModelFileException.shorten;

import io.clgrad.Device;
import io.clgrad.RngState;
import io.clgrad.Tensor;
import io.clgrad.io.Checkpoint;
import io.clgrad.io.Checkpoints;
import io.clgrad.io.MetadataLists;
import io.clgrad.io.ModelFileException;
import io.clgrad.io.Safetensors;
import io.clgrad.nn.Module;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of {@code clgrad train}: {@code --save} writes the model's state dict only (a weight
 * file that PyTorch's {@code load_state_dict(strict=True)} takes for the same architecture), with the
 * metadata that {@code eval} and {@code predict} need to rebuild the network; {@code --checkpoint}
 * writes a full checkpoint (model, optimizer, RNG state, epoch) that {@code --resume} continues from.
 * See docs/model-files.md for the metadata keys.
 */
final class ModelFiles {

    /** The most synthetic samples a model file may ask eval to generate. */
    static final int MAX_SAMPLES = 10_000_000;

    private ModelFiles() {
    }

    /**
     * A model file's validated header: the architecture (checked against the tensors' shapes) and
     * the data it was trained on.
     *
     * @param spec     the architecture
     * @param data     the --data name ({@code two-moons} when the file does not say)
     * @param seed     the seed of the data's generation and validation split (42 when not recorded)
     * @param samples  the synthetic sample count (2000 when not recorded)
     * @param classes  the class names in index order ({@link MetadataKey#CLASSES}; CSV data), or null when the
     *                 file does not record them (classes are their indices)
     * @param metadata the whole metadata
     */
    record Header(ModelSpec spec, String data, long seed, int samples, List<String> classes,
                  Map<String, String> metadata) {
    }

    /**
     * Reads and checks a model file's header without reading tensor data or building anything: the
     * metadata must describe a network whose state dict is exactly the file's tensors, and the data
     * settings must be valid and bounded.
     *
     * @throws ModelFileException naming the file and the problem
     */
    static Header readHeader(Path file) throws IOException {
        Map<String, int[]> shapes = Safetensors.readShapes(file);
        Map<String, String> meta = Safetensors.readMetadata(file);
        ModelSpec spec = ModelSpec.fromMetadata(file, meta);
        spec.checkShapes(file, shapes);
        String data = meta.getOrDefault(DATA.key(), "two-moons");
        if (!TrainingData.NAMES_LIST.contains(data)) {
            throw new ModelFileException(file, "metadata " + DATA + " is '" + shorten(data)
                    + "', not a data set clgrad knows (" + TrainingData.NAMES + ")");
        }
        long seed;
        try {
            seed = Long.parseLong(meta.getOrDefault(SEED.key(), "42").trim());
        } catch (NumberFormatException e) {
            throw new ModelFileException(file, "metadata " + SEED + " is '" + shorten(meta.get(SEED.key()))
                    + "', not an integer");
        }
        String samplesText = meta.getOrDefault(SAMPLES.key(), "2000").trim();
        int samples;
        try {
            samples = Integer.parseInt(samplesText);
        } catch (NumberFormatException e) {
            samples = -1;
        }
        if (samples < 1 || samples > MAX_SAMPLES) {
            throw new ModelFileException(file, "metadata " + SAMPLES + " is '" + shorten(samplesText)
                    + "'; expected a sample count from 1 to " + String.format("%,d", MAX_SAMPLES));
        }
        List<String> classes = meta.containsKey(CLASSES.key()) ? readClasses(file, spec, meta.get(CLASSES.key())) : null;
        return new Header(spec, data, seed, samples, classes, meta);
    }

    /** The class names of {@link MetadataKey#CLASSES}: a JSON list of distinct non-empty strings, one per class. */
    private static List<String> readClasses(Path file, ModelSpec spec, String value) throws ModelFileException {
        List<String> classes;
        try {
            classes = MetadataLists.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file, "metadata " + CLASSES + " is '" + shorten(value) + "': "
                    + e.getMessage() + "; expected a JSON list of the class names, e.g. [\"cat\",\"dog\"]");
        }
        int expected = spec.binary() ? 2 : spec.layers()[spec.layers().length - 1];
        String problem = null;
        if (classes.size() != expected) {
            problem = "names " + classes.size() + " classes, but the " + spec.task() + " model has " + expected;
        } else if (classes.contains("")) {
            problem = "has an empty class name";
        } else if (new HashSet<>(classes).size() != classes.size()) {
            problem = "repeats a class name";
        }
        if (problem != null) {
            throw new ModelFileException(file, "metadata " + CLASSES + " " + shorten(value) + " " + problem);
        }
        return List.copyOf(classes);
    }

    /**
     * Refuses data whose classes are not the ones a model file was trained on: with other labels the
     * class indices mean other things and accuracy would be computed against the wrong classes.
     * Files without {@link MetadataKey#CLASSES} (clgrad 0.1 and models of built-in data) are checked by
     * class count only.
     *
     * @param file   the model file or checkpoint
     * @param header its header
     * @param td     the data
     * @throws IllegalArgumentException naming both class lists
     */
    static void checkClasses(Path file, Header header, TrainingData td) {
        List<String> mine = td.classNames();
        if (header.classes() != null) {
            if (!header.classes().equals(mine)) {
                throw new IllegalArgumentException(file + " was trained on the classes " + describe(header.classes())
                        + ", but --data " + td.name() + (td.source() != null ? " (" + td.source() + ")" : "")
                        + " has the classes " + describe(mine) + "; use data with the same labels");
            }
            return;
        }
        int modelClasses = header.spec().binary() ? 2 : header.spec().layers()[header.spec().layers().length - 1];
        if (modelClasses != mine.size()) {
            throw new IllegalArgumentException(file + ": the model has " + modelClasses + " classes but --data "
                    + td.name() + " has " + mine.size());
        }
    }

    /** Up to 20 class names, comma-separated and quoted where needed. */
    private static String describe(List<String> classes) {
        List<String> shown = classes.size() > 20 ? classes.subList(0, 20) : classes;
        StringBuilder sb = new StringBuilder("[");
        for (String c : shown) {
            sb.append(sb.length() > 1 ? ", " : "").append(shorten(c));
        }
        return sb.append(classes.size() > 20 ? ", ... (" + classes.size() + " in all)]" : "]").toString();
    }

    /**
     * The metadata of a model file: the architecture, what eval needs to rebuild its held-out data and,
     * for CSV data, the class names in index order (what predict prints, and what eval checks its data
     * against).
     */
    static Map<String, String> modelMetadata(ModelSpec spec, TrainingData td, long seed, int samples) {
        String data = td.name();
        Map<String, String> m = new LinkedHashMap<>(spec.toMetadata());
        m.put(DATA.key(), data);
        if (td.source() != null) {
            m.put(CLASSES.key(), MetadataLists.write(td.classNames()));   // the CSV's labels
        }
        if (!TrainingData.isImageSet(data)) {
            m.put(SEED.key(), Long.toString(seed));          // the validation split's seed
        }
        if (TrainingData.isSynthetic(data)) {
            m.put(SAMPLES.key(), Integer.toString(samples)); // how many samples were generated
        }
        return m;
    }

    /**
     * A copy of {@code model}'s state dict on the CPU, read from the device once, for checking and
     * saving (tensors already on the CPU are the state dict's own views, not copies). Close its
     * tensors when done.
     */
    static Map<String, Tensor> hostStateDict(Module<?> model) {
        Map<String, Tensor> sd = model.stateDict();
        Map<String, Tensor> host = new LinkedHashMap<>();
        Device cpu = Device.cpu();
        try {
            for (Map.Entry<String, Tensor> e : sd.entrySet()) {
                Tensor t = e.getValue();
                host.put(e.getKey(), t.device() == cpu ? t : t.to(cpu));
            }
        } catch (RuntimeException ex) {
            host.values().forEach(Tensor::close);
            throw ex;
        } finally {
            for (Tensor t : sd.values()) {
                if (t.device() != cpu) {
                    t.close();   // the device views; the CPU ones are in host
                }
            }
        }
        return host;
    }

    /** Writes a model's state dict (e.g. {@link #hostStateDict}) and {@code metadata} to {@code path}, atomically. */
    static void saveModel(Path path, Map<String, Tensor> stateDict, Map<String, String> metadata) throws IOException {
        Safetensors.save(path, stateDict, metadata);
    }

    /**
     * Writes a full checkpoint: the model's state dict (e.g. {@link #hostStateDict}) and the
     * optimizer's, the global RNG's position, the last finished epoch and the run's settings
     * ({@code metadata} plus the seed, which also orders the shuffled batches).
     */
    static void saveCheckpoint(Path path, Map<String, Tensor> stateDict, Optimizer optimizer,
                               Map<String, String> metadata, long seed, int epoch) throws IOException {
        Map<String, Object> osd = new LinkedHashMap<>(optimizer.stateDict());
        osd.put("type", optimizer.getClass().getSimpleName());
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(SEED.key(), Long.toString(seed));
        meta.put(EPOCH.key(), Integer.toString(epoch));
        meta.put(RNG_STATE.key(), RngState.get().toString());
        try {
            Checkpoints.save(path, new Checkpoint(stateDict, osd, null, meta));
        } finally {
            closeSteps(osd);
        }
    }

    /** Closes the step scalars that {@link Optimizer#stateDict()} made (its state tensors are its own). */
    private static void closeSteps(Map<String, Object> osd) {
        if (osd.get("state") instanceof Map<?, ?> state) {
            for (Object entry : state.values()) {
                if (entry instanceof Map<?, ?> m && m.get("step") instanceof Tensor t) {
                    t.close();
                }
            }
        }
    }

    /**
     * Loads a checkpoint into {@code model} and {@code optimizer} and restores the RNG's position.
     * Call {@link #readHeader(Path)} first (it checks the model's shapes) and build the model from its spec.
     *
     * @return the last epoch the checkpoint finished
     * @throws ModelFileException when the file is not a checkpoint or does not fit
     */
    static int resume(Path path, Module<?> model, Optimizer optimizer, long seed) throws IOException {
        try (Checkpoint ck = Checkpoints.load(path)) {
            Map<String, String> meta = ck.metadata();
            if (ck.optimizer() == null) {
                throw new ModelFileException(path, "has no optimizer state: it is a model file (clgrad train --save);"
                        + " --resume needs a checkpoint written by clgrad train --checkpoint");
            }
            String savedSeed = meta.get(SEED.key());
            if (savedSeed != null && !savedSeed.trim().equals(Long.toString(seed))) {
                throw new ModelFileException(path, "was trained with --seed " + shorten(savedSeed) + ", not " + seed
                        + " (the seed orders the shuffled batches and splits the data): resume with --seed "
                        + shorten(savedSeed));
            }
            int epoch;
            try {
                epoch = Integer.parseInt(meta.getOrDefault(EPOCH.key(), "").trim());
            } catch (NumberFormatException e) {
                epoch = -1;
            }
            if (epoch < 0) {
                throw new ModelFileException(path, "metadata " + EPOCH + " is "
                        + (meta.containsKey(EPOCH.key()) ? "'" + shorten(meta.get(EPOCH.key())) + "'" : "missing")
                        + "; a checkpoint records the last finished epoch (an integer >= 0)");
            }
            RngState rng = null;
            if (meta.containsKey(RNG_STATE.key())) {   // absent in checkpoints of clgrad 0.1
                try {
                    rng = RngState.parse(meta.get(RNG_STATE.key()));
                } catch (IllegalArgumentException e) {
                    throw new ModelFileException(path, "metadata " + RNG_STATE + ": " + e.getMessage());
                }
            }
            Object type = ck.optimizer().get("type");
            String mine = optimizer.getClass().getSimpleName();
            if (type != null && !type.equals(mine)) {
                throw new ModelFileException(path, "holds " + type + " optimizer state, but this run's optimizer is "
                        + mine + " (pass the --optimizer the checkpoint was trained with)");
            }
            try {
                model.loadStateDict(ck.model());
                optimizer.loadStateDict(ck.optimizer());
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new ModelFileException(path, "does not fit the model and optimizer: "
                        + String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " "), e);
            }
            if (rng != null) {
                rng.restore();
            }
            return epoch;
        }
    }
}
