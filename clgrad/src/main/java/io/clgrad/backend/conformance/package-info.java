/**
 * The conformance tables: for each op family of {@link io.clgrad.backend.Backend}
 * ({@link io.clgrad.backend.conformance.Family}), seeded cases with a double-precision reference
 * and the suite's one {@link io.clgrad.backend.conformance.Tolerance}. The test suite runs them on
 * every device at full sizes; {@code clgrad devices --self-test} runs them at quick sizes through
 * {@link io.clgrad.backend.conformance.Conformance}.
 */
package io.clgrad.backend.conformance;
