/**
 * The backend SPI: what a device provides. {@link io.clgrad.backend.Backend} has one method per device
 * op on raw {@link io.clgrad.backend.Buffer}s; {@link io.clgrad.backend.BackendRegistry} finds the
 * backends through {@link io.clgrad.backend.BackendProvider}s. The op entries
 * {@link io.clgrad.backend.UnaryOp}, {@link io.clgrad.backend.BinaryOp} and
 * {@link io.clgrad.backend.ReduceOp} hold each op's name, test domain and double reference.
 * Applications use {@code Tensor} and {@code Device}; this package is for backends and tools.
 */
package io.clgrad.backend;
