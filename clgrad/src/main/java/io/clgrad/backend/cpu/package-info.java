/**
 * The Java CPU backend: every op in plain, multithreaded Java ({@code CpuParallel}), the twin that
 * each OpenCL kernel is compared with, and a Vector API GEMM when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}. Reached through {@link io.clgrad.backend.Backend}.
 */
package io.clgrad.backend.cpu;
