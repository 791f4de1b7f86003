/**
 * Neural-network building blocks, as PyTorch's {@code torch.nn}: {@link io.clgrad.nn.Module} and
 * its layers ({@link io.clgrad.nn.Linear}, {@link io.clgrad.nn.ReLU}, {@link io.clgrad.nn.Sigmoid},
 * {@link io.clgrad.nn.Tanh}, {@link io.clgrad.nn.Dropout}, {@link io.clgrad.nn.Flatten},
 * {@link io.clgrad.nn.Identity}, {@link io.clgrad.nn.Sequential}) and the losses
 * ({@link io.clgrad.nn.BCEWithLogitsLoss}, {@link io.clgrad.nn.BCELoss}, {@link io.clgrad.nn.MSELoss},
 * {@link io.clgrad.nn.L1Loss}, {@link io.clgrad.nn.CrossEntropyLoss}, {@link io.clgrad.nn.NLLLoss}).
 * Everything here is written against the public {@link io.clgrad.Tensor} API and runs on any device.
 *
 * <p>Decisions where Java and PyTorch differ:
 * <ul>
 *   <li>{@code io.clgrad.nn.Module} clashes with {@code java.lang.Module}: import it by name,
 *       not through {@code io.clgrad.nn.*}.</li>
 *   <li>Registration is explicit: {@code layer_1 = register("layer_1", new Linear(2, 10))}; the
 *       name given is the key in {@code namedParameters()}, {@code stateDict()} and {@code toString()}.</li>
 *   <li>{@code model(x)} is {@code model.forward(x)}; a loss is {@code criterion.forward(input, target)}.</li>
 *   <li>A tensor cannot change device in place, so {@code Module.to(device)} replaces parameters
 *       (read them through accessors such as {@code linear.weight()}, and build the optimizer after
 *       moving the model); {@code loadStateDict} copies values in place, so optimizers stay valid.</li>
 *   <li>Parameters and buffers are taken out of every open {@link io.clgrad.TensorScope}: a model
 *       built inside a scope survives it.</li>
 *   <li>Shape errors are {@link java.lang.IllegalArgumentException}s that name the shapes.</li>
 * </ul>
 */
package io.clgrad.nn;
