package io.clgrad.backend;

/**
 * The CPU backend's thread-count settings, in the SPI so that the layers above (the CLI's
 * {@code --threads} check) read them without a concrete backend class: the system property the
 * backend reads its worker count from when it starts (then the environment variable), and the most
 * workers it runs. The one place these are written: the CPU backend and the CLI both read them here.
 */
public final class CpuThreadSettings {
    /** The system property the CPU backend reads its thread count from: {@code clgrad.threads}. */
    public static final String PROPERTY = "clgrad.threads";

    /** The environment variable read when {@link #PROPERTY} is not set: {@code CLGRAD_CPU_THREADS}. */
    public static final String ENVIRONMENT_VARIABLE = "CLGRAD_CPU_THREADS";

    /**
     * The most worker threads a CPU backend runs: 4096. {@link java.util.concurrent.ForkJoinPool}
     * refuses more than 32767, and far fewer already cost more in stacks and scheduling than they
     * can gain on any machine clgrad runs on.
     */
    public static final int MAX_THREADS = 4096;

    private CpuThreadSettings() {
    }
}
