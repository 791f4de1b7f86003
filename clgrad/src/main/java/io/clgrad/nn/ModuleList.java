package io.clgrad.nn;

import io.clgrad.Tensor;
import java.util.Iterator;
import java.util.List;

/**
 * Holds modules in a list, as PyTorch's {@code torch.nn.ModuleList}: they are registered as children
 * {@code "0"}, {@code "1"}, ..., so their parameters appear in {@link #parameters()} and the state
 * dict under {@code 0.weight}, {@code 1.bias}, ..., but unlike {@link Sequential} the list has no
 * forward of its own: the owning module decides how to call them.
 *
 * <pre>{@code
 * class Tower extends Module<Tower> {
 *     final ModuleList layers = register("layers", new ModuleList(new Linear(4, 4), new Linear(4, 4)));
 *     public Tensor forward(Tensor x) {
 *         for (Module<?> m : layers) {
 *             x = m.forward(x).relu();
 *         }
 *         return x;
 *     }
 * }
 * // state dict keys: layers.0.weight, layers.0.bias, layers.1.weight, layers.1.bias
 * }</pre>
 */
public class ModuleList extends Module<ModuleList> implements Iterable<Module<?>> {
    /**
     * A list of the given modules, in order.
     *
     * @param modules the modules (none may be null)
     */
    public ModuleList(Module<?>... modules) {
        extend(List.of(modules));
    }

    /**
     * Appends a module at the end, named by its index.
     *
     * @param m the module
     * @return this list
     */
    public ModuleList append(Module<?> m) {
        register(Integer.toString(size()), m);
        return this;
    }

    /**
     * Appends every module of {@code modules}, in order.
     *
     * @param modules the modules
     * @return this list
     */
    public ModuleList extend(Iterable<? extends Module<?>> modules) {
        for (Module<?> m : modules) {
            append(m);
        }
        return this;
    }

    /**
     * The module at {@code index} (negative counts from the end).
     *
     * @param index the position
     * @return the module
     * @throws IndexOutOfBoundsException when out of range
     */
    public Module<?> get(int index) {
        return namedChildren().get(Integer.toString(position(index)));
    }

    /**
     * Replaces the module at {@code index} (negative counts from the end), as {@code list[i] = m}.
     *
     * @param index the position
     * @param m     the new module
     * @return this list
     * @throws IndexOutOfBoundsException when out of range
     */
    public ModuleList set(int index, Module<?> m) {
        register(Integer.toString(position(index)), m);
        return this;
    }

    private int position(int index) {
        int n = size();
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range (ModuleList of size " + n + ")");
        }
        return i;
    }

    /** @return the number of modules */
    public int size() {
        return namedChildren().size();
    }

    /** @return the modules in order */
    @Override
    public Iterator<Module<?>> iterator() {
        return children().iterator();
    }

    /**
     * Refuses: a ModuleList has no forward, as in PyTorch; call its modules.
     *
     * @param x ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("ModuleList has no forward: call its modules");
    }
}
