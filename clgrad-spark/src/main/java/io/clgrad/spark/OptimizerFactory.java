package io.clgrad.spark;

import io.clgrad.Tensor;
import io.clgrad.optim.Optimizer;
import java.io.Serializable;
import java.util.List;

/**
 * Builds the optimizer of a replica from its parameters; serialisable, so Spark can ship it. Every
 * task builds the same optimizer, so the replicas apply the same update to the same all-reduced
 * gradient and never drift.
 *
 * <pre>{@code
 * OptimizerFactory adam = params -> new Adam(params, 1e-3);
 * }</pre>
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
    /**
     * A new optimizer over {@code params}.
     *
     * @param params the replica's parameters, in {@code Module.parameters()} order
     * @return the optimizer
     */
    Optimizer create(List<Tensor> params);
}
