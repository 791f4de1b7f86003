package io.clgrad.io;

import io.clgrad.Tensor;
import io.clgrad.nn.Module;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Training checkpoints: a model's state dict and, optionally, its optimizer's state in one
 * safetensors file, so that training can stop and resume exactly where it was.
 *
 * <p>Layout of the file (see {@code docs/model-files.md}):
 * <ul>
 *   <li>the model's tensors under their {@link Module#stateDict()} keys ({@code 0.weight}, ...), so the
 *       file is also a plain weight file for {@link Safetensors#load(Path)} or PyTorch's
 *       {@code safetensors.torch.load_file};</li>
 *   <li>the optimizer's state tensors under {@code optimizer.state.<index>.<name>}
 *       ({@code optimizer.state.0.exp_avg}), the index counting parameters over all groups as
 *       {@link Optimizer#stateDict()} does;</li>
 *   <li>in the metadata, key {@value #OPTIMIZER_KEY}: a JSON object with the optimizer's class
 *       ({@code "type"}), its {@code "param_groups"} (options and parameter indices, as PyTorch's
 *       state dict) and its non-tensor per-parameter state ({@code "state"}: {@code {"0": {"step": 3}}});
 *       and the caller's own metadata.</li>
 * </ul>
 *
 * <pre>{@code
 * Checkpoints.save(Path.of("ckpt.safetensors"), model, optimizer, Map.of("epoch", "3"));
 * Map<String, String> meta = Checkpoints.load(Path.of("ckpt.safetensors"), model, optimizer);
 * int epoch = Integer.parseInt(meta.get("epoch"));
 * }</pre>
 */
public final class Checkpoints {
    /** The metadata key of the optimizer's non-tensor state. */
    public static final String OPTIMIZER_KEY = "clgrad.optimizer";

    /** The prefix of the optimizer's state tensors. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    private static final String STATE_PREFIX = OPTIMIZER_PREFIX + "state.";

    private Checkpoints() {
    }

    /**
     * Saves {@code model}'s state dict and {@code optimizer}'s state (when not null) to {@code path},
     * atomically, with {@code metadata} merged into the file's metadata.
     *
     * @param path      the file (replaced when it exists)
     * @param model     the model
     * @param optimizer its optimizer, or null to save the model alone
     * @param metadata  the caller's metadata (model architecture, epoch, ...), or null; the key
     *                  {@value #OPTIMIZER_KEY} is reserved when an optimizer is given
     * @throws IllegalArgumentException when a model key starts with {@code "optimizer.state."} or the
     *                                  metadata uses {@value #OPTIMIZER_KEY} while an optimizer is given
     * @throws IOException              when writing fails (an existing file is left as it was)
     */
    public static void save(Path path, Module model, Optimizer optimizer, Map<String, String> metadata)
            throws IOException {
        if (model == null) {
            throw new IllegalArgumentException("Checkpoints.save: model is null");
        }
        Map<String, Tensor> modelState = model.stateDict();
        List<Tensor> temporaries = new ArrayList<>(modelState.values());
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>(modelState);
            Map<String, String> meta = new LinkedHashMap<>();
            if (metadata != null) {
                meta.putAll(metadata);
            }
            if (optimizer != null) {
                if (meta.containsKey(OPTIMIZER_KEY)) {
                    throw new IllegalArgumentException("Checkpoints.save: metadata key \"" + OPTIMIZER_KEY
                            + "\" is reserved for the optimizer state");
                }
                for (String k : modelState.keySet()) {
                    if (k.startsWith(STATE_PREFIX)) {
                        throw new IllegalArgumentException("Checkpoints.save: model state key \"" + k
                                + "\" clashes with the optimizer's keys (\"" + STATE_PREFIX + "...\")");
                    }
                }
                meta.put(OPTIMIZER_KEY, optimizerState(optimizer, tensors, temporaries));
            }
            Safetensors.save(path, tensors, meta);
        } finally {
            temporaries.forEach(Tensor::close);
        }
    }

    /** Splits the optimizer's state dict: tensors into {@code tensors}, the rest into the returned JSON. */
    @SuppressWarnings("unchecked")
    private static String optimizerState(Optimizer optimizer, Map<String, Tensor> tensors, List<Tensor> temporaries) {
        Map<String, Object> sd = optimizer.stateDict();
        Map<Integer, Map<String, Object>> state = (Map<Integer, Map<String, Object>>) sd.get("state");
        Map<String, Object> jsonState = new LinkedHashMap<>();
        for (Map.Entry<Integer, Map<String, Object>> pe : state.entrySet()) {
            Map<String, Object> plain = new LinkedHashMap<>();
            for (Map.Entry<String, Object> se : pe.getValue().entrySet()) {
                Object v = se.getValue();
                if (se.getKey().equals("step") && v instanceof Tensor) {
                    // a fresh float32 scalar: saved as an exact integer rather than a float32 tensor
                    Tensor t = (Tensor) v;
                    plain.put("step", Math.round((double) t.item()));
                    temporaries.add(t);
                } else if (v instanceof Tensor) {
                    tensors.put(STATE_PREFIX + pe.getKey() + "." + se.getKey(), (Tensor) v);
                } else {
                    plain.put(se.getKey(), v);
                }
            }
            jsonState.put(String.valueOf(pe.getKey()), plain);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", optimizer.getClass().getSimpleName());
        out.put("param_groups", sd.get("param_groups"));
        out.put("state", jsonState);
        return Json.write(out);
    }

    /**
     * Loads a checkpoint into {@code model} (strictly, as {@link Module#loadStateDict(Map)}: the
     * file's model keys must match the model's; optimizer keys are ignored) and, when
     * {@code optimizer} is not null, restores its state. Nothing is changed unless the whole file
     * is valid and fits.
     *
     * @param path      the file
     * @param model     the model to load into (its tensors are updated in place, on their devices)
     * @param optimizer the optimizer to restore, or null to ignore the file's optimizer state
     * @return the file's metadata (including {@value #OPTIMIZER_KEY} when present)
     * @throws ModelFileException naming the file when it is malformed, its keys or shapes do not match
     *                            the model, or it lacks optimizer state for a given optimizer or
     *                            holds another optimizer's
     */
    public static Map<String, String> load(Path path, Module model, Optimizer optimizer) throws IOException {
        if (model == null) {
            throw new IllegalArgumentException("Checkpoints.load: model is null");
        }
        SafetensorsFile file = Safetensors.load(path);
        try {
            Map<String, Tensor> modelTensors = new LinkedHashMap<>();
            Map<String, Tensor> optimTensors = new LinkedHashMap<>();
            Map<String, Tensor> expected = model.stateDict();
            expected.values().forEach(Tensor::close);
            for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
                if (e.getKey().startsWith(OPTIMIZER_PREFIX) && !expected.containsKey(e.getKey())) {
                    optimTensors.put(e.getKey(), e.getValue());
                } else {
                    modelTensors.put(e.getKey(), e.getValue());
                }
            }
            Map<String, Object> optimState = null;
            if (optimizer != null) {
                optimState = optimizerStateDict(path, file.metadata(), optimizer, optimTensors);
                checkFits(path, optimizer, optimState);
            }
            try {
                model.loadStateDict(modelTensors);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(path, "does not fit the model: " + e.getMessage(), e);
            }
            if (optimizer != null) {
                try {
                    optimizer.loadStateDict(optimState);
                } catch (IllegalArgumentException | ClassCastException e) {
                    throw new ModelFileException(path, "optimizer state does not fit the optimizer: "
                            + e.getMessage(), e);
                }
            }
            return file.metadata();
        } finally {
            file.tensors().values().forEach(Tensor::close);
        }
    }

    /** Rebuilds an {@link Optimizer#stateDict()}-shaped map from the metadata JSON and the tensors. */
    private static Map<String, Object> optimizerStateDict(Path path, Map<String, String> metadata, Optimizer optimizer,
                                                          Map<String, Tensor> tensors) throws ModelFileException {
        String json = metadata.get(OPTIMIZER_KEY);
        if (json == null) {
            throw new ModelFileException(path, "has no optimizer state (metadata key \"" + OPTIMIZER_KEY
                    + "\"); it was saved without an optimizer");
        }
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
        String mine = optimizer.getClass().getSimpleName();
        if (type != null && !mine.equals(type)) {
            throw new ModelFileException(path, "holds " + type + " optimizer state, but the optimizer is " + mine);
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
        sd.put("state", state);
        sd.put("param_groups", Collections.unmodifiableList(groups));
        return sd;
    }

    /**
     * Checks what {@link Optimizer#loadStateDict(Map)} would refuse (group count and sizes, state
     * shapes) before the model is touched, so that a bad file changes neither.
     */
    @SuppressWarnings("unchecked")
    private static void checkFits(Path path, Optimizer optimizer, Map<String, Object> sd) throws ModelFileException {
        List<Map<String, Object>> groups = (List<Map<String, Object>>) sd.get("param_groups");
        if (groups.size() != optimizer.paramGroups().size()) {
            throw new ModelFileException(path, "optimizer state has " + groups.size() + " parameter groups, the"
                    + " optimizer has " + optimizer.paramGroups().size());
        }
        Map<Integer, Map<String, Object>> state = (Map<Integer, Map<String, Object>>) sd.get("state");
        for (int g = 0; g < groups.size(); g++) {
            List<?> ids = (List<?>) groups.get(g).get("params");
            List<Tensor> params = optimizer.paramGroups().get(g).params();
            if (ids.size() != params.size()) {
                throw new ModelFileException(path, "optimizer state's parameter group " + g + " has " + ids.size()
                        + " parameters, the optimizer's has " + params.size());
            }
            for (int j = 0; j < ids.size(); j++) {
                Map<String, Object> entry = state.get(((Long) ids.get(j)).intValue());
                if (entry == null) {
                    continue;
                }
                for (Map.Entry<String, Object> e : entry.entrySet()) {
                    if (e.getValue() instanceof Tensor
                            && !Arrays.equals(((Tensor) e.getValue()).shape(), params.get(j).shape())) {
                        throw new ModelFileException(path, "optimizer state '" + e.getKey() + "' of parameter "
                                + ids.get(j) + " has shape " + Arrays.toString(((Tensor) e.getValue()).shape())
                                + ", the parameter has shape " + Arrays.toString(params.get(j).shape()));
                    }
                }
            }
        }
    }

    private static int parseIndex(Path path, String s) throws ModelFileException {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ModelFileException(path, "optimizer state has a bad parameter index \"" + Json.shorten(s) + "\"");
        }
        return Integer.parseInt(s);
    }

    /**
     * Reads a checkpoint's (or any safetensors file's) metadata from its header, without reading
     * tensor data: enough to rebuild the model before {@link #load(Path, Module, Optimizer)}.
     *
     * @param path the file
     * @return the metadata, empty when the file has none
     * @throws ModelFileException when the file is missing, truncated or malformed
     */
    public static Map<String, String> readMetadata(Path path) throws IOException {
        return Safetensors.readMetadata(path);
    }
}
