package io.clgrad.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Sets each group's learning rate to its base rate times a function of the epoch, as PyTorch's
 * {@code LambdaLR}: {@code lr = base_lr · lambda(epoch)}, one function for every group or one per
 * group.
 *
 * <pre>{@code
 * LambdaLR warmup = new LambdaLR(optimizer, epoch -> Math.min(1.0, (epoch + 1) / 5.0));
 * }</pre>
 */
public final class LambdaLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    /** LambdaLR with one function for every group. */
    public LambdaLR(Optimizer optimizer, IntToDoubleFunction lrLambda) {
        this(optimizer, Collections.nCopies(optimizer == null ? 0 : optimizer.paramGroups().size(), lrLambda));
    }

    /**
     * LambdaLR with one function per parameter group, in order.
     *
     * @throws IllegalArgumentException when the number of functions is not the number of groups, or one is null
     */
    public LambdaLR(Optimizer optimizer, List<IntToDoubleFunction> lrLambdas) {
        super(optimizer);
        if (lrLambdas == null || lrLambdas.size() != groupCount()) {
            throw new IllegalArgumentException("Expected " + groupCount() + " lr_lambdas, but got "
                    + (lrLambdas == null ? "null" : lrLambdas.size()));
        }
        for (int i = 0; i < lrLambdas.size(); i++) {
            if (lrLambdas.get(i) == null) {
                throw new IllegalArgumentException("LambdaLR: lr_lambda of parameter group " + i + " is null");
            }
        }
        this.lambdas = List.copyOf(lrLambdas);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] out = new double[groupCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = baseLr(i) * lambdas.get(i).applyAsDouble(lastEpoch());
        }
        return out;
    }

    /**
     * State dict entry {@code "lr_lambdas"}: one null per group, as PyTorch's for plain functions
     * (the functions themselves are not state; the constructor supplies them).
     */
    @Override
    protected void putState(Map<String, Object> out) {
        out.put("lr_lambdas", new ArrayList<>(Collections.nCopies(groupCount(), null)));
    }
}
