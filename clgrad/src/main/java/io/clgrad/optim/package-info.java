/**
 * Optimizers and learning-rate schedulers, as PyTorch's {@code torch.optim}: {@link io.clgrad.optim.SGD},
 * {@link io.clgrad.optim.Adam}, {@link io.clgrad.optim.AdamW}, {@link io.clgrad.optim.RMSprop},
 * {@link io.clgrad.optim.Adagrad} on the base {@link io.clgrad.optim.Optimizer}
 * (parameter groups, {@code zeroGrad()}, {@code step()}, state dicts), and
 * {@link io.clgrad.optim.StepLR}, {@link io.clgrad.optim.MultiStepLR}, {@link io.clgrad.optim.ExponentialLR},
 * {@link io.clgrad.optim.CosineAnnealingLR}, {@link io.clgrad.optim.LinearLR}, {@link io.clgrad.optim.OneCycleLR},
 * {@link io.clgrad.optim.LambdaLR} and {@link io.clgrad.optim.ReduceLROnPlateau}, each with a
 * {@code stateDict()}/{@code loadStateDict()} by PyTorch's names.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 0.01);
 * LRScheduler sched = new CosineAnnealingLR(opt, 100);
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     opt.zeroGrad();
 *     loss(model).backward();
 *     opt.step();
 *     sched.step();
 * }
 * }</pre>
 *
 * <p>Printing: an optimizer prints PyTorch 2.x's block ({@code Adam (\nParameter Group 0\n    amsgrad: False\n ...)}),
 * options sorted by key, values as Python prints them, with one deviation: Java keeps every number
 * as a double, so an integral value prints as a Python int ({@code weight_decay: 0},
 * {@code lr: 1}) where PyTorch would print {@code 0.0} if the user had typed a float; {@code betas}
 * and {@code eps} always print as floats. The printed key set is that of PyTorch 2.0 to 2.5
 * (no {@code decoupled_weight_decay}, which PyTorch 2.6+ adds to Adam/AdamW).
 *
 * <p>Numerics follow PyTorch's single-tensor algorithms in float32 per element, with the per-step
 * scalars (bias corrections, step size, {@code 1 - β}) computed in double on the host. Adam's first
 * moment uses {@code β1·m + (1-β1)·g}, where PyTorch 2.x uses {@code m.lerp_(g, 1-β1)}: equal in
 * exact arithmetic, a last-bit difference in float at most.
 *
 * <p>SGD and Adam/AdamW step with one fused kernel per parameter (or per eight parameters); RMSprop
 * and Adagrad are composed of elementwise tensor ops run outside autograd and written back in
 * place (docs/design-notes.md, "RMSprop, Adagrad and the schedulers").
 */
package io.clgrad.optim;
