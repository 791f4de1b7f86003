package io.clgrad.backend;

/**
 * The library's CI guard ({@link OpenClRequiredTest}, from its test jar) run in this module too, so
 * {@code CLGRAD_REQUIRE_OPENCL=1} also fails the clgrad-spark tests, rather than letting them pass on
 * the CPU backend alone, when no OpenCL device initialises.
 */
class SparkOpenClRequiredTest extends OpenClRequiredTest {
}
