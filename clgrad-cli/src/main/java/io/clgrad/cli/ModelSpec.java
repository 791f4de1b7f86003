package io.clgrad.cli;

import static io.clgrad.cli.MetadataKey.ARCHITECTURE;
import static io.clgrad.cli.MetadataKey.LAYERS;
import static io.clgrad.cli.MetadataKey.TASK;
import static io.clgrad.io.ModelFileException.shorten;

import io.clgrad.Tensor;
import io.clgrad.examples.SimpleNet;
import io.clgrad.io.ModelFileException;
import io.clgrad.nn.Flatten;
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

/**
 * What network {@code clgrad train} builds, and how it is written into (and read back from) a
 * model file's {@code __metadata__}, so that {@code eval}, {@code predict} and {@code --resume}
 * can rebuild it: the seed's SimpleNet for one hidden layer of 10 on 2 features, otherwise an MLP
 * ({@code Linear -> ReLU -> ... -> Linear}), or, with a {@link ConvStack}, a CNN: the stack's
 * convolution blocks, {@code Flatten}, then the linear layers.
 *
 * @param layers     sizes from input features to outputs, e.g. [2, 10, 1] or [784, 512, 512, 10]; for a
 *                   CNN the linear layers' sizes from the flattened features, e.g. [3136, 128, 10]
 * @param task       "binary" (one logit, BCEWithLogitsLoss) or "multiclass" (C logits, CrossEntropyLoss)
 * @param conv       the convolution blocks of a CNN, or null for an MLP
 */
record ModelSpec(int[] layers, String task, ConvStack conv) {
    /** Hugging Face's key for the tensors' framework; {@code transformers} wants "pt" before it loads a file. */
    static final String KEY_FORMAT = "format";

    ModelSpec {
        if (layers.length < 2) {
            throw new IllegalArgumentException("a model needs at least an input and an output size");
        }
        if (!task.equals("binary") && !task.equals("multiclass")) {
            throw new IllegalArgumentException("unknown task '" + task + "' (binary or multiclass)");
        }
        if (conv != null && conv.flatFeatures() != layers[0]) {
            throw new IllegalArgumentException(conv + " give " + conv.flatFeatures()
                    + " features to the linear layers, not " + layers[0]);
        }
    }

    /** An MLP (or SimpleNet) spec. */
    ModelSpec(int[] layers, String task) {
        this(layers, task, null);
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

    /**
     * A CNN spec: {@code conv}'s blocks, then linear layers of the {@code hidden} sizes and the
     * task's output width.
     */
    static ModelSpec cnn(ConvStack conv, int[] hidden, int classes) {
        ModelSpec head = of(Math.toIntExact(conv.flatFeatures()), hidden, classes);
        return new ModelSpec(head.layers, head.task, conv);
    }

    /** The seed's SimpleNet when the shape is 2-10-1, a Sequential CNN with {@link #conv}, else a Sequential MLP. */
    Module<?> build() {
        if (isSimpleNet()) {
            return new SimpleNet(layers[0], layers[1], layers[2]);
        }
        List<Module<?>> parts = new ArrayList<>();
        if (conv != null) {
            conv.addModules(parts);
            parts.add(new Flatten());
        }
        for (int i = 0; i + 1 < layers.length; i++) {
            parts.add(new Linear(layers[i], layers[i + 1]));
            if (i + 2 < layers.length) {
                parts.add(new ReLU());
            }
        }
        return new Sequential(parts.toArray(new Module<?>[0]));
    }

    boolean isSimpleNet() {
        return conv == null && layers.length == 3 && task.equals("binary");
    }

    /** The {@link MetadataKey#ARCHITECTURE} value: simplenet, mlp or cnn. */
    String architecture() {
        return conv != null ? "cnn" : isSimpleNet() ? "simplenet" : "mlp";
    }

    /** The network's input for a batch of flat rows {@code [B, inputs()]}: the rows, or a CNN's images. */
    Tensor input(Tensor rows) {
        return conv == null ? rows : conv.images(rows);
    }

    boolean binary() {
        return task.equals("binary");
    }

    /** Values per input row: the MLP's input features, or a CNN's C·H·W. */
    int inputs() {
        return conv != null ? conv.inputs() : layers[0];
    }

    /** The hidden layer sizes: the layers between the inputs and the outputs. */
    int[] hidden() {
        return Arrays.copyOfRange(layers, 1, layers.length - 1);
    }

    /** The metadata entries describing this model: all that eval, predict and --resume need to rebuild it. */
    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, "pt");
        m.put(ARCHITECTURE.key(), architecture());
        if (conv != null) {
            conv.putMetadata(m);
        }
        m.put(LAYERS.key(), ConvStack.join(layers));
        m.put(TASK.key(), task);
        return m;
    }

    /**
     * Rebuilds the spec from a model file's metadata. Builds nothing: check it against the file's
     * tensors with {@link #checkShapes} before {@link #build()}.
     *
     * @throws ModelFileException naming the file and the missing or bad key
     */
    static ModelSpec fromMetadata(Path file, Map<String, String> m) throws ModelFileException {
        String layers = m.get(LAYERS.key());
        String task = m.get(TASK.key());
        if (layers == null || task == null) {
            throw new ModelFileException(file, "not a clgrad model file (no " + LAYERS + "/" + TASK
                    + " in its metadata); it holds weights only, so clgrad cannot rebuild the network");
        }
        if (!task.equals("binary") && !task.equals("multiclass")) {
            throw new ModelFileException(file, "metadata " + TASK + " is '" + shorten(task)
                    + "'; expected binary or multiclass");
        }
        if (layers.split(",", -1).length < 2) {
            throw new ModelFileException(file, "metadata " + LAYERS + " is '" + shorten(layers)
                    + "'; expected at least an input and an output size, e.g. 2,10,1");
        }
        int[] sizes = sizes(file, LAYERS.key(), layers, "a layer size");
        if (task.equals("binary") && sizes[sizes.length - 1] != 1) {
            throw new ModelFileException(file, "metadata " + LAYERS + " is '" + shorten(layers)
                    + "': a binary model has one output, not " + sizes[sizes.length - 1]);
        }
        if (task.equals("multiclass") && sizes[sizes.length - 1] < 3) {
            throw new ModelFileException(file, "metadata " + LAYERS + " is '" + shorten(layers)
                    + "': a multiclass model has at least 3 outputs, not " + sizes[sizes.length - 1]);
        }
        String arch = m.get(ARCHITECTURE.key());
        if ("cnn".equals(arch)) {
            ConvStack conv = ConvStack.fromMetadata(file, m);
            if (conv.flatFeatures() != sizes[0]) {
                throw new ModelFileException(file, "metadata " + LAYERS + " is '" + shorten(layers) + "', but the "
                        + "linear layers of a cnn on " + conv + " take " + conv.flatFeatures() + " features, not "
                        + sizes[0]);
            }
            return new ModelSpec(sizes, task, conv);
        }
        ModelSpec spec = new ModelSpec(sizes, task);
        String mine = spec.isSimpleNet() ? "simplenet" : "mlp";
        if (arch != null && !arch.equals(mine)) {
            throw new ModelFileException(file, "metadata " + ARCHITECTURE + " is '" + shorten(arch) + "', but "
                    + LAYERS + " " + layers + " (" + task + ") describes a " + mine);
        }
        return spec;
    }

    /**
     * The comma-separated sizes of metadata {@code key}, each an integer from 1 to
     * {@link Integer#MAX_VALUE}.
     *
     * @param what what one size is, for the message, e.g. "a layer size"
     * @throws ModelFileException naming the key and the first entry that is not a size
     */
    static int[] sizes(Path file, String key, String value, String what) throws ModelFileException {
        String[] parts = value.split(",", -1);
        int[] sizes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                sizes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                sizes[i] = 0;
            }
            if (sizes[i] < 1) {
                throw new ModelFileException(file, "metadata " + key + " is '" + shorten(value) + "': '"
                        + shorten(parts[i].trim()) + "' is not " + what + " (an integer from 1 to " + Integer.MAX_VALUE + ")");
            }
        }
        return sizes;
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
        String described = (conv != null ? "metadata " + ARCHITECTURE + " cnn on " + conv + ", " : "metadata ")
                + LAYERS + " " + shorten(ConvStack.join(layers)) + " (" + task + ")";
        Map<String, int[]> expected = expectedShapes();
        long needed = expected.size();
        if (model.size() != needed) {
            throw new ModelFileException(file, described + " describes " + needed + " tensors ("
                    + (conv != null ? conv.channels().length + " convolution blocks and " : "")
                    + (layers.length - 1) + " linear layers), but the file holds " + model.size() + " model tensors");
        }
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
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
        int first = 0;   // the Sequential index of the first Linear
        if (conv != null) {
            conv.addShapes(out);
            first = conv.modules() + 1;   // after the blocks and the Flatten
        }
        for (int i = 0; i + 1 < layers.length; i++) {
            String name = isSimpleNet() ? "layer_" + (i + 1) : Integer.toString(first + 2 * i);
            out.put(name + ".weight", new int[] {layers[i + 1], layers[i]});
            out.put(name + ".bias", new int[] {layers[i + 1]});
        }
        return out;
    }

    @Override
    public String toString() {
        return (conv != null ? "CNN on " + conv + ", linear " : isSimpleNet() ? "SimpleNet " : "MLP ")
                + Arrays.toString(layers) + " (" + task + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && Arrays.equals(layers, s.layers) && task.equals(s.task)
                && java.util.Objects.equals(conv, s.conv);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(layers) * 31 + task.hashCode()) * 31 + java.util.Objects.hashCode(conv);
    }
}
