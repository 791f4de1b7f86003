package io.clgrad.nn;

import io.clgrad.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Holds modules by name, as PyTorch's {@code torch.nn.ModuleDict}: each is registered as a child
 * under its key, in insertion order, so its parameters appear in the state dict as
 * {@code key.weight}; it has no forward of its own.
 *
 * <pre>{@code
 * ModuleDict heads = new ModuleDict(Map.of("cls", new Linear(64, 10)));
 * heads.put("box", new Linear(64, 4));
 * Tensor logits = heads.get("cls").forward(features);
 * System.out.println(heads);
 * // ModuleDict(
 * //   (cls): Linear(in_features=64, out_features=10, bias=True)
 * //   (box): Linear(in_features=64, out_features=4, bias=True)
 * // )
 * }</pre>
 */
public class ModuleDict extends Module<ModuleDict> {
    /** An empty dict. */
    public ModuleDict() {
    }

    /**
     * A dict of the given modules, in the map's iteration order (pass a {@code LinkedHashMap} to fix it).
     *
     * @param modules modules by name
     */
    public ModuleDict(Map<String, ? extends Module<?>> modules) {
        update(modules);
    }

    /**
     * Adds a module under {@code key}, or replaces the one there in its position.
     *
     * @param key the name: non-empty, without {@code "."}
     * @param m   the module
     * @return this dict
     */
    public ModuleDict put(String key, Module<?> m) {
        register(key, m);
        return this;
    }

    /**
     * Adds every entry of {@code modules}, in its iteration order.
     *
     * @param modules modules by name
     * @return this dict
     */
    public ModuleDict update(Map<String, ? extends Module<?>> modules) {
        for (Map.Entry<String, ? extends Module<?>> e : modules.entrySet()) {
            put(e.getKey(), e.getValue());
        }
        return this;
    }

    /**
     * The module under {@code key}.
     *
     * @param key the name
     * @return the module
     * @throws java.util.NoSuchElementException when there is none (Python's KeyError)
     */
    public Module<?> get(String key) {
        Module<?> m = namedChildren().get(key);
        if (m == null) {
            throw new java.util.NoSuchElementException("ModuleDict has no module '" + key + "', keys: " + keys());
        }
        return m;
    }

    /**
     * Whether a module is registered under {@code key}.
     *
     * @param key the name
     * @return true when present
     */
    public boolean containsKey(String key) {
        return namedChildren().containsKey(key);
    }

    /** @return the keys in insertion order */
    public List<String> keys() {
        return new ArrayList<>(namedChildren().keySet());
    }

    /** @return the modules in insertion order */
    public List<Module<?>> values() {
        return children();
    }

    /** @return the number of modules */
    public int size() {
        return namedChildren().size();
    }

    /**
     * Refuses: a ModuleDict has no forward, as in PyTorch; call its modules.
     *
     * @param x ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("ModuleDict has no forward: call its modules");
    }
}
