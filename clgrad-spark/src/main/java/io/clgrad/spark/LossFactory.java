package io.clgrad.spark;

import io.clgrad.nn.Loss;
import java.io.Serializable;

/**
 * Builds the loss on each task; serialisable, so Spark can ship it. The loss must be mean-reduced
 * (the default): the trainer weights each task's gradient by its share of the global batch.
 *
 * <pre>{@code
 * LossFactory ce = CrossEntropyLoss::new;
 * }</pre>
 */
@FunctionalInterface
public interface LossFactory extends Serializable {
    /**
     * A new loss module, called as {@code loss.forward(model.forward(x), y)} with {@code y} the int32
     * class labels {@code [n]}.
     *
     * @return the loss
     */
    Loss<?> create();
}
