/**
 * Parameter initialisation schemes, as PyTorch's {@code torch.nn.init}: {@link io.clgrad.nn.init.Init}
 * fills existing tensors in place (uniform, normal, constant, zeros, ones, Xavier and Kaiming
 * variants) from the global seeded generator.
 */
package io.clgrad.nn.init;
