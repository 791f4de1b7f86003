/**
 * Tools built on the public autograd API: {@link io.clgrad.autograd.GradCheck} compares an op's
 * gradients with central finite differences, as {@code torch.autograd.gradcheck}. (The engine itself
 * lives in {@code io.clgrad}, beside {@code Tensor}.)
 */
package io.clgrad.autograd;
