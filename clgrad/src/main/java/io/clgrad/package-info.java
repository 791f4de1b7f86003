/**
 * The core of clgrad: {@link io.clgrad.Tensor} (an n-dimensional array on a {@link io.clgrad.Device},
 * with PyTorch's operations and their gradients), the autograd engine that records them and runs
 * {@code backward()}, {@link io.clgrad.Functional} (PyTorch's {@code torch.nn.functional}),
 * {@link io.clgrad.Function} (custom ops with a hand-written backward, as
 * {@code torch.autograd.Function}), {@link io.clgrad.Autograd} ({@code noGrad()}) and
 * {@link io.clgrad.TensorScope} (closing a block's tensors at once).
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(3, 2).requiresGrad(true);
 * Tensor y = Tensor.randn(4, 3).matmul(w).relu().sum();
 * y.backward();
 * System.out.println(w.grad());
 * }</pre>
 */
package io.clgrad;
