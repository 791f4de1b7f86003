/**
 * Training utilities on parameters, as PyTorch's {@code torch.nn.utils}:
 * {@link io.clgrad.nn.utils.ClipGrad} clips gradients by their total norm or by value.
 */
package io.clgrad.nn.utils;
