package io.clgrad.io;

import io.clgrad.Tensor;
import java.util.Map;

/**
 * A training checkpoint as state dicts, the shape of PyTorch's
 * {@code torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), ...})}: what
 * {@link Checkpoints#save(java.nio.file.Path, Checkpoint)} writes and
 * {@link Checkpoints#load(java.nio.file.Path)} returns.
 *
 * <pre>{@code
 * Checkpoints.save(path, new Checkpoint(model.stateDict(), opt.stateDict(), sched.stateDict(),
 *         Map.of("epoch", "3")));
 * try (Checkpoint ck = Checkpoints.load(path)) {
 *     model.loadStateDict(ck.model());
 *     opt.loadStateDict(ck.optimizer());
 *     sched.loadStateDict(ck.scheduler());
 *     int epoch = Integer.parseInt(ck.metadata().get("epoch"));
 * }
 * }</pre>
 *
 * @param model     the model's state dict: tensors by {@code Module.stateDict()} key (not null)
 * @param optimizer the optimizer's state dict ({@code Optimizer.stateDict()}: {@code "state"},
 *                  {@code "param_groups"}, and optionally {@code "type"}, the optimizer's class
 *                  name), or null for none
 * @param scheduler the learning-rate scheduler's state dict ({@code LRScheduler.stateDict()}: numbers,
 *                  strings, booleans and lists of them), or null for none
 * @param metadata  the caller's own string metadata (epoch, architecture, ...); not null
 */
public record Checkpoint(Map<String, Tensor> model, Map<String, Object> optimizer, Map<String, Object> scheduler,
                         Map<String, String> metadata) implements AutoCloseable {

    /** Checks the required parts. */
    public Checkpoint {
        if (model == null) {
            throw new IllegalArgumentException("Checkpoint: the model state dict is null");
        }
        if (metadata == null) {
            metadata = Map.of();
        }
    }

    /**
     * Closes the tensors of a checkpoint returned by {@link Checkpoints#load(java.nio.file.Path)}
     * (the model's and the optimizer state's CPU tensors). Do not close a checkpoint built from a
     * live model's or optimizer's state dict: the optimizer's state tensors are its own.
     */
    @Override
    public void close() {
        model.values().forEach(Tensor::close);
        if (optimizer != null && optimizer.get("state") instanceof Map<?, ?> state) {
            for (Object entry : state.values()) {
                if (entry instanceof Map<?, ?> m) {
                    for (Object v : m.values()) {
                        if (v instanceof Tensor t) {
                            t.close();
                        }
                    }
                }
            }
        }
    }
}
