/**
 * Data-parallel training over several devices in one JVM ({@link io.clgrad.nn.parallel.DataParallel}),
 * named after PyTorch's {@code torch.nn.parallel}.
 */
package io.clgrad.nn.parallel;
