package io.clgrad.io;

import static io.clgrad.io.ModelFileException.shorten;

import io.clgrad.Tensor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Training checkpoints: a model's state dict and, optionally, its optimizer's and learning-rate
 * scheduler's state dicts in one safetensors file, so that training can stop and resume exactly where
 * it was. This package takes and returns state-dict maps ({@link Checkpoint}); the caller gets them
 * from and gives them to its modules and optimizers, as in PyTorch.
 *
 * <p>Layout of the file (see {@code docs/model-files.md}):
 * <ul>
 *   <li>the model's tensors under their state-dict keys ({@code 0.weight}, ...), so the file is also
 *       a plain weight file for {@link Safetensors#load(Path)} or PyTorch's
 *       {@code safetensors.torch.load_file} (with the optimizer's tensors beside);</li>
 *   <li>the optimizer's state tensors under {@code optimizer.state.<index>.<name>}
 *       ({@code optimizer.state.0.exp_avg}), the index counting parameters over all groups as
 *       {@code Optimizer.stateDict()} does;</li>
 *   <li>in the metadata, key {@value #OPTIMIZER_KEY}: a JSON object with the optimizer's class
 *       ({@code "type"}, when the state dict names it), its {@code "param_groups"} (options and
 *       parameter indices, as PyTorch's state dict) and its non-tensor per-parameter state
 *       ({@code "state"}: {@code {"0": {"step": 3}}}); key {@value #SCHEDULER_KEY}: the scheduler's
 *       state dict as JSON; and the caller's own metadata.</li>
 * </ul>
 *
 * <pre>{@code
 * Checkpoints.save(path, new Checkpoint(model.stateDict(), opt.stateDict(), null, Map.of("epoch", "3")));
 * try (Checkpoint ck = Checkpoints.load(path)) {
 *     model.loadStateDict(ck.model());
 *     opt.loadStateDict(ck.optimizer());
 * }
 * }</pre>
 */
public final class Checkpoints {
    /** The metadata key of the optimizer's non-tensor state. */
    public static final String OPTIMIZER_KEY = "clgrad.optimizer";

    /** The metadata key of the learning-rate scheduler's state. */
    public static final String SCHEDULER_KEY = "clgrad.scheduler";

    /** The prefix of the optimizer's state tensors. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    private static final String STATE_PREFIX = OPTIMIZER_PREFIX + "state.";

    private Checkpoints() {
    }

    /**
     * Saves a checkpoint to {@code path}, atomically. The caller keeps ownership of the
     * checkpoint's tensors (they are read, not closed).
     *
     * @param path       the file (replaced when it exists)
     * @param checkpoint the model's state dict, and the optimizer's and scheduler's (each may be null)
     *                   and the caller's metadata
     * @throws IllegalArgumentException when a model key starts with {@code "optimizer.state."} while an
     *                                  optimizer state is given, the metadata uses a reserved key
     *                                  ({@value #OPTIMIZER_KEY}, {@value #SCHEDULER_KEY}) while that
     *                                  state is given, or a state dict is malformed
     * @throws IOException              when writing fails (an existing file is left as it was)
     */
    public static void save(Path path, Checkpoint checkpoint) throws IOException {
        if (checkpoint == null) {
            throw new IllegalArgumentException("Checkpoints.save: checkpoint is null");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(checkpoint.model());
        Map<String, String> meta = new LinkedHashMap<>(checkpoint.metadata());
        if (checkpoint.optimizer() != null) {
            reserve(meta, OPTIMIZER_KEY, "the optimizer state");
            for (String k : checkpoint.model().keySet()) {
                if (k.startsWith(STATE_PREFIX)) {
                    throw new IllegalArgumentException("Checkpoints.save: model state key \"" + k
                            + "\" clashes with the optimizer's keys (\"" + STATE_PREFIX + "...\")");
                }
            }
            meta.put(OPTIMIZER_KEY, optimizerState(checkpoint.optimizer(), tensors));
        }
        if (checkpoint.scheduler() != null) {
            reserve(meta, SCHEDULER_KEY, "the scheduler state");
            meta.put(SCHEDULER_KEY, Json.write(checkpoint.scheduler()));
        }
        Safetensors.save(path, tensors, meta);
    }

    private static void reserve(Map<String, String> meta, String key, String what) {
        if (meta.containsKey(key)) {
            throw new IllegalArgumentException("Checkpoints.save: metadata key \"" + key + "\" is reserved for " + what);
        }
    }

    /** Splits the optimizer's state dict: tensors into {@code tensors}, the rest into the returned JSON. */
    private static String optimizerState(Map<String, Object> sd, Map<String, Tensor> tensors) {
        if (!(sd.get("state") instanceof Map<?, ?> state) || !(sd.get("param_groups") instanceof List)) {
            throw new IllegalArgumentException("Checkpoints.save: the optimizer state dict needs \"state\" (a map)"
                    + " and \"param_groups\" (a list), got keys " + sd.keySet());
        }
        Map<String, Object> jsonState = new LinkedHashMap<>();
        for (Map.Entry<?, ?> pe : state.entrySet()) {
            Map<String, Object> plain = new LinkedHashMap<>();
            for (Map.Entry<?, ?> se : ((Map<?, ?>) pe.getValue()).entrySet()) {
                String name = String.valueOf(se.getKey());
                Object v = se.getValue();
                if (name.equals("step") && v instanceof Tensor t) {
                    // saved as an exact integer rather than PyTorch's float32 scalar tensor
                    plain.put("step", Math.round((double) t.item()));
                } else if (v instanceof Tensor t) {
                    tensors.put(STATE_PREFIX + pe.getKey() + "." + name, t);
                } else {
                    plain.put(name, v);
                }
            }
            jsonState.put(String.valueOf(pe.getKey()), plain);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (sd.get("type") != null) {
            out.put("type", String.valueOf(sd.get("type")));
        }
        out.put("param_groups", sd.get("param_groups"));
        out.put("state", jsonState);
        return Json.write(out);
    }

    /**
     * Loads a checkpoint: the model's state dict (every tensor but the optimizer's), the optimizer's
     * state dict when the file has one (tensors under {@code optimizer.state.*} and the JSON of
     * {@value #OPTIMIZER_KEY}), the scheduler's when it has one, and the remaining metadata. Tensors
     * come back on the CPU; close the checkpoint when done. A plain weight file (no optimizer state)
     * loads as a checkpoint with only a model state dict.
     *
     * @param path the file
     * @return the checkpoint; {@code optimizer()} and {@code scheduler()} are null when the file has none
     * @throws ModelFileException naming the file when it is malformed (see {@link Safetensors#load(Path)})
     *                            or its optimizer or scheduler state is
     */
    public static Checkpoint load(Path path) throws IOException {
        SafetensorsFile file = Safetensors.load(path);
        boolean ok = false;
        try {
            Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
            String optJson = metadata.remove(OPTIMIZER_KEY);
            String schedJson = metadata.remove(SCHEDULER_KEY);
            Map<String, Tensor> modelTensors = new LinkedHashMap<>();
            Map<String, Tensor> optimTensors = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
                if (optJson != null && e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                    optimTensors.put(e.getKey(), e.getValue());
                } else {
                    modelTensors.put(e.getKey(), e.getValue());
                }
            }
            Map<String, Object> optimizer = optJson == null ? null : optimizerStateDict(path, optJson, optimTensors);
            Map<String, Object> scheduler = schedJson == null ? null : schedulerStateDict(path, schedJson);
            ok = true;
            return new Checkpoint(Collections.unmodifiableMap(modelTensors), optimizer, scheduler,
                    Collections.unmodifiableMap(metadata));
        } finally {
            if (!ok) {
                file.tensors().values().forEach(Tensor::close);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schedulerStateDict(Path path, String json) throws ModelFileException {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (Json.ParseException e) {
            throw new ModelFileException(path, "metadata \"" + SCHEDULER_KEY + "\" is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) {
            throw new ModelFileException(path, "metadata \"" + SCHEDULER_KEY + "\" must be a JSON object");
        }
        return Collections.unmodifiableMap((Map<String, Object>) parsed);
    }

    /** Rebuilds an {@code Optimizer.stateDict()}-shaped map from the metadata JSON and the tensors. */
    private static Map<String, Object> optimizerStateDict(Path path, String json, Map<String, Tensor> tensors)
            throws ModelFileException {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (Json.ParseException e) {
            throw new ModelFileException(path, "metadata \"" + OPTIMIZER_KEY + "\" is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map) || !(((Map<?, ?>) parsed).get("param_groups") instanceof List)
                || !(((Map<?, ?>) parsed).get("state") instanceof Map)) {
            throw new ModelFileException(path, "metadata \"" + OPTIMIZER_KEY
                    + "\" must be an object with \"type\", \"param_groups\" (a list) and \"state\" (an object)");
        }
        Map<?, ?> root = (Map<?, ?>) parsed;
        Object type = root.get("type");
        if (type != null && !(type instanceof String)) {
            throw new ModelFileException(path, "metadata \"" + OPTIMIZER_KEY + "\": \"type\" must be a string");
        }
        Map<Integer, Map<String, Object>> state = new TreeMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) root.get("state")).entrySet()) {
            int index = parseIndex(path, (String) e.getKey());
            if (!(e.getValue() instanceof Map)) {
                throw new ModelFileException(path, "optimizer state of parameter " + index + " is not an object");
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            for (Map.Entry<?, ?> se : ((Map<?, ?>) e.getValue()).entrySet()) {
                Object v = se.getValue();
                if (v instanceof BigInteger || (v instanceof Long && ((Long) v > Integer.MAX_VALUE || (Long) v < 0))) {
                    throw new ModelFileException(path, "optimizer state \"" + se.getKey() + "\" of parameter " + index
                            + " is out of range: " + v);
                }
                entry.put((String) se.getKey(), v);
            }
            state.put(index, entry);
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String key = e.getKey();
            String rest = key.startsWith(STATE_PREFIX) ? key.substring(STATE_PREFIX.length()) : "";
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new ModelFileException(path, "tensor \"" + key + "\" is neither a model tensor nor"
                        + " optimizer state (\"" + STATE_PREFIX + "<index>.<name>\")");
            }
            int index = parseIndex(path, rest.substring(0, dot));
            state.computeIfAbsent(index, i -> new LinkedHashMap<>()).put(rest.substring(dot + 1), e.getValue());
        }
        List<Object> groups = new ArrayList<>();
        for (Object g : (List<?>) root.get("param_groups")) {
            if (!(g instanceof Map) || !(((Map<?, ?>) g).get("params") instanceof List)) {
                throw new ModelFileException(path, "optimizer param_groups must be objects with a \"params\" list");
            }
            for (Object id : (List<?>) ((Map<?, ?>) g).get("params")) {
                if (!(id instanceof Long) || (Long) id < 0 || (Long) id > Integer.MAX_VALUE) {
                    throw new ModelFileException(path, "optimizer param_groups has a bad parameter index: " + id);
                }
            }
            groups.add(g);
        }
        Map<String, Object> sd = new LinkedHashMap<>();
        if (type != null) {
            sd.put("type", type);
        }
        sd.put("state", state);
        sd.put("param_groups", Collections.unmodifiableList(groups));
        return Collections.unmodifiableMap(sd);
    }

    private static int parseIndex(Path path, String s) throws ModelFileException {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ModelFileException(path, "optimizer state has a bad parameter index \"" + shorten(s) + "\"");
        }
        return Integer.parseInt(s);
    }

    /**
     * Reads a checkpoint's (or any safetensors file's) metadata from its header, without reading
     * tensor data: enough to rebuild the model before {@link #load(Path)}.
     *
     * @param path the file
     * @return the metadata, empty when the file has none
     * @throws ModelFileException when the file is missing, truncated or malformed
     */
    public static Map<String, String> readMetadata(Path path) throws IOException {
        return Safetensors.readMetadata(path);
    }
}
