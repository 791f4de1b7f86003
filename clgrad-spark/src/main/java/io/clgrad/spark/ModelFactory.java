package io.clgrad.spark;

import io.clgrad.nn.Module;
import java.io.Serializable;

/**
 * Builds a new model on every call; serialisable, so Spark can ship it to the executors (a lambda
 * assigned to this type is serialisable when what it captures is).
 *
 * <pre>{@code
 * ModelFactory mlp = () -> new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10));
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    /**
     * A new module (on any device; the trainer moves it).
     *
     * @return the module, never the same instance twice
     */
    Module<?> create();
}
