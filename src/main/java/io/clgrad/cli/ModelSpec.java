package io.clgrad.cli;

import io.clgrad.examples.SimpleNet;
import io.clgrad.nn.Linear;
import io.clgrad.nn.Module;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
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
 * @param flattenInput whether inputs are images flattened to vectors (Fashion-MNIST)
 */
record ModelSpec(int[] layers, String task, boolean flattenInput) {
    static final String KEY_ARCH = "clgrad.architecture";
    static final String KEY_LAYERS = "clgrad.layers";
    static final String KEY_TASK = "clgrad.task";

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
        return new ModelSpec(layers, binary ? "binary" : "multiclass", false);
    }

    /** The seed's SimpleNet when the shape is 2-10-1, else a Sequential MLP. */
    Module build() {
        if (isSimpleNet()) {
            return new SimpleNet(layers[0], layers[1], layers[2]);
        }
        List<Module> parts = new ArrayList<>();
        for (int i = 0; i + 1 < layers.length; i++) {
            parts.add(new Linear(layers[i], layers[i + 1]));
            if (i + 2 < layers.length) {
                parts.add(new ReLU());
            }
        }
        return new Sequential(parts.toArray(new Module[0]));
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

    /** The metadata entries describing this model. */
    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_ARCH, isSimpleNet() ? "simplenet" : "mlp");
        m.put(KEY_LAYERS, Arrays.stream(layers).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        m.put(KEY_TASK, task);
        m.put("clgrad.flatten_input", Boolean.toString(flattenInput));
        return m;
    }

    /**
     * Rebuilds the spec from a model file's metadata.
     *
     * @throws IllegalArgumentException naming the file and the missing or bad key
     */
    static ModelSpec fromMetadata(String file, Map<String, String> m) {
        String layers = m.get(KEY_LAYERS);
        String task = m.get(KEY_TASK);
        if (layers == null || task == null) {
            throw new IllegalArgumentException(file + ": not a clgrad model file (no " + KEY_LAYERS + "/" + KEY_TASK
                    + " in its metadata); it holds weights only, so clgrad cannot rebuild the network");
        }
        try {
            int[] sizes = Arrays.stream(layers.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            for (int s : sizes) {
                if (s < 1) {
                    throw new NumberFormatException("size " + s);
                }
            }
            return new ModelSpec(sizes, task, Boolean.parseBoolean(m.getOrDefault("clgrad.flatten_input", "false")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": bad " + KEY_LAYERS + " '" + layers + "' in the metadata");
        }
    }

    @Override
    public String toString() {
        return (isSimpleNet() ? "SimpleNet " : "MLP ") + Arrays.toString(layers) + " (" + task + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && Arrays.equals(layers, s.layers) && task.equals(s.task)
                && flattenInput == s.flattenInput;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(layers) * 31 + task.hashCode();
    }
}
