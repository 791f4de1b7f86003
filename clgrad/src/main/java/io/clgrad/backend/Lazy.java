package io.clgrad.backend;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made on first use, once per process, by double-checked locking: a failed attempt (an
 * exception from the supplier) leaves nothing behind, so the next call tries again and reports the
 * same problem, where a lazy holder class would answer later calls with a bare NoClassDefFoundError.
 *
 * <pre>{@code
 * private static final Lazy<Registry> REGISTRY = new Lazy<>(Registry::discover);
 * Registry r = REGISTRY.get();
 * }</pre>
 *
 * @param <T> the value's type
 */
public final class Lazy<T> {
    private final Supplier<? extends T> make;
    private volatile T value;

    /**
     * A value that {@code make} produces on the first {@link #get()}.
     *
     * @param make called at most once successfully; must not return null
     */
    public Lazy(Supplier<? extends T> make) {
        this.make = Objects.requireNonNull(make, "make");
    }

    /** The value, made by the supplier on the first call (by one thread; the others wait for it). */
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(make.get(), "Lazy: the supplier returned null");
                    value = v;
                }
            }
        }
        return v;
    }
}
