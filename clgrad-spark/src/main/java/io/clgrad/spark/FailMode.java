package io.clgrad.spark;

/**
 * How the fault-injection hook ({@link SparkTrainer.Builder#failAtStep(long, FailMode)}) makes a task
 * die: for tests of the retry and resume path.
 */
public enum FailMode {
    /** The task throws: Spark sees a failed task (local mode, and clusters). */
    THROW,
    /** The executor's JVM halts at once with status 1, as if killed: for a real cluster's executor. */
    EXIT;

    void fail(int rank, long step) {
        String msg = "clgrad-spark fault hook: task " + rank + " dies at step " + step + " (first stage attempt only)";
        if (this == EXIT) {
            System.err.println(msg + "; halting the executor JVM");
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
        throw new IllegalStateException(msg);
    }
}
