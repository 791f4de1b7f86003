package io.clgrad.cli;

import static io.clgrad.io.ModelFileException.shorten;

import io.clgrad.examples.SimpleNet;
import io.clgrad.io.ModelFileException;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What network {@code clgrad train} builds, and how it is written into (and read back from) a
 * model file's {@code __metadata__}, so that {@code eval}, {@code predict} and {@code --resume}
 * can rebuild it: the seed's SimpleNet for one hidden layer of 10 on 2 features, otherwise an MLP
 * ({@code Linear -> ReLU -> ... -> Linear}).
 *
 * @param layers     sizes from input features to outputs, e.g. [2, 10, 1] or [784, 512, 512, 10]
 * @param task       "binary" (one logit, BCEWithLogitsLoss) or "multiclass" (C logits, CrossEntropyLoss)
 */
record ModelSpec(int[] layers, String task) {
    static final String KEY_ARCH = "clgrad.architecture";
    static final String KEY_LAYERS = "clgrad.layers";
    static final String KEY_TASK = "clgrad.task";
    /** Hugging Face's key for the tensors' framework; {@code transformers} wants "pt" before it loads a file. */
    static final String KEY_FORMAT = "format";

    ModelSpec {
        if (layers.length < 2) {
            throw new IllegalArgumentException("a model needs at least an input and an output size");
        }
        if (!task.equals("binary") && !task.equals("multiclass")) {
            throw new IllegalArgumentException("unknown task '" + task + "' (binary or multiclass)");
        }
    }

    /** A spec for {@code features} inputs, the hidden sizes, and the task's output width. */
    static ModelSpec of(int features, int[] hidden, int classes) {
        int[] layers = new int[hidden.length + 2];
        layers[0] = features;
        System.arraycopy(hidden, 0, layers, 1, hidden.length);
        boolean binary = classes <= 2;
        layers[layers.length - 1] = binary ? 1 : classes;
        return new ModelSpec(layers, binary ? "binary" : "multiclass");
    }

    /** The seed's SimpleNet when the shape is 2-10-1, else a Sequential MLP. */
    Module<?> build() {
        if (isSimpleNet()) {
            return new SimpleNet(layers[0], layers[1], layers[2]);
        }
        List<Module<?>> parts = new ArrayList<>();
        for (int i = 0; i + 1 < layers.length; i++) {
            parts.add(new Linear(layers[i], layers[i + 1]));
            if (i + 2 < layers.length) {
                parts.add(new ReLU());
            }
        }
        return new Sequential(parts.toArray(new Module<?>[0]));
    }

    boolean isSimpleNet() {
        return layers.length == 3 && task.equals("binary");
    }

    boolean binary() {
        return task.equals("binary");
    }

    int inputs() {
        return layers[0];
    }

    /** The hidden layer sizes: the layers between the inputs and the outputs. */
    int[] hidden() {
        return Arrays.copyOfRange(layers, 1, layers.length - 1);
    }

    /** The metadata entries describing this model: all that eval, predict and --resume need to rebuild it. */
    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, "pt");
        m.put(KEY_ARCH, isSimpleNet() ? "simplenet" : "mlp");
        m.put(KEY_LAYERS, Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        m.put(KEY_TASK, task);
        return m;
    }

    /**
     * Rebuilds the spec from a model file's metadata. Builds nothing: check it against the file's
     * tensors with {@link #checkShapes} before {@link #build()}.
     *
     * @throws ModelFileException naming the file and the missing or bad key
     */
    static ModelSpec fromMetadata(Path file, Map<String, String> m) throws ModelFileException {
        String layers = m.get(KEY_LAYERS);
        String task = m.get(KEY_TASK);
        if (layers == null || task == null) {
            throw new ModelFileException(file, "not a clgrad model file (no " + KEY_LAYERS + "/" + KEY_TASK
                    + " in its metadata); it holds weights only, so clgrad cannot rebuild the network");
        }
        if (!task.equals("binary") && !task.equals("multiclass")) {
            throw new ModelFileException(file, "metadata " + KEY_TASK + " is '" + shorten(task)
                    + "'; expected binary or multiclass");
        }
        String[] parts = layers.split(",", -1);
        if (parts.length < 2) {
            throw new ModelFileException(file, "metadata " + KEY_LAYERS + " is '" + shorten(layers)
                    + "'; expected at least an input and an output size, e.g. 2,10,1");
        }
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                sizes[i] = 0;
            }
            if (sizes[i] < 1) {
                throw new ModelFileException(file, "metadata " + KEY_LAYERS + " is '" + shorten(layers) + "': '"
                        + shorten(parts[i].trim()) + "' is not a layer size (an integer from 1 to " + Integer.MAX_VALUE + ")");
            }
        }
        if (task.equals("binary") && sizes[sizes.length - 1] != 1) {
            throw new ModelFileException(file, "metadata " + KEY_LAYERS + " is '" + shorten(layers)
                    + "': a binary model has one output, not " + sizes[sizes.length - 1]);
        }
        if (task.equals("multiclass") && sizes[sizes.length - 1] < 3) {
            throw new ModelFileException(file, "metadata " + KEY_LAYERS + " is '" + shorten(layers)
                    + "': a multiclass model has at least 3 outputs, not " + sizes[sizes.length - 1]);
        }
        ModelSpec spec = new ModelSpec(sizes, task);
        String arch = m.get(KEY_ARCH);
        String mine = spec.isSimpleNet() ? "simplenet" : "mlp";
        if (arch != null && !arch.equals(mine)) {
            throw new ModelFileException(file, "metadata " + KEY_ARCH + " is '" + shorten(arch) + "', but "
                    + KEY_LAYERS + " " + layers + " (" + task + ") describes a " + mine);
        }
        return spec;
    }

    /**
     * Checks that a model file's tensors are exactly this architecture's state dict, from the shapes
     * in the file's header, before the network is built: a file's metadata cannot make clgrad
     * allocate more than the file's own tensors hold. Keys under {@code optimizer.state.} (the
     * optimizer state of a checkpoint) are ignored.
     *
     * @param file   the file, for messages
     * @param shapes the file's tensor shapes by name
     * @throws ModelFileException naming the first tensor that is missing, extra or of another shape
     */
    void checkShapes(Path file, Map<String, int[]> shapes) throws ModelFileException {
        Map<String, int[]> model = new LinkedHashMap<>();
        shapes.forEach((k, v) -> {
            if (!k.startsWith("optimizer.state.")) {
                model.put(k, v);
            }
        });
        String described = "metadata " + KEY_LAYERS + " " + shorten(Arrays.stream(layers).mapToObj(Integer::toString)
                .collect(Collectors.joining(","))) + " (" + task + ")";
        long needed = 2L * (layers.length - 1);
        if (model.size() != needed) {
            throw new ModelFileException(file, described + " describes " + needed + " tensors ("
                    + (layers.length - 1) + " linear layers), but the file holds " + model.size() + " model tensors");
        }
        for (Map.Entry<String, int[]> e : expectedShapes().entrySet()) {
            int[] got = model.get(e.getKey());
            if (got == null) {
                throw new ModelFileException(file, described + " needs tensor " + e.getKey() + " "
                        + Arrays.toString(e.getValue()) + ", which the file does not hold (it holds "
                        + shorten(String.join(", ", model.keySet())) + ")");
            }
            if (!Arrays.equals(got, e.getValue())) {
                throw new ModelFileException(file, described + " needs " + e.getKey() + " of shape "
                        + Arrays.toString(e.getValue()) + ", but the file's is " + Arrays.toString(got));
            }
        }
    }

    /** The state-dict keys and shapes of {@link #build()}'s network, computed without building it. */
    Map<String, int[]> expectedShapes() {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < layers.length; i++) {
            String name = isSimpleNet() ? "layer_" + (i + 1) : Integer.toString(2 * i);
            out.put(name + ".weight", new int[] {layers[i + 1], layers[i]});
            out.put(name + ".bias", new int[] {layers[i + 1]});
        }
        return out;
    }

    @Override
    public String toString() {
        return (isSimpleNet() ? "SimpleNet " : "MLP ") + Arrays.toString(layers) + " (" + task + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && Arrays.equals(layers, s.layers) && task.equals(s.task);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layers) * 31 + task.hashCode();
    }
}
