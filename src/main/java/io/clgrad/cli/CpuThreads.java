package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.backend.CpuThreadSettings;

/**
 * {@code --threads N}: the CPU backend's worker count, passed on as the system property
 * {@code clgrad.threads}, which the backend reads when it starts (the first use of any device in
 * the process). In the {@code clgrad} command that is after the options are parsed; a program that
 * already used a device in the same JVM keeps its pool, and {@link #verify} says so.
 */
final class CpuThreads {
    private CpuThreads() {
    }

    /**
     * Sets the property, before any device is used.
     *
     * @param threads the --threads value, or null to leave the default
     * @throws IllegalArgumentException when it is below 1 or above {@link CpuThreadSettings#MAX_THREADS}
     */
    static void request(Integer threads) {
        if (threads != null) {
            ArgumentChecks.atLeastOne("--threads", threads);
            if (threads > CpuThreadSettings.MAX_THREADS) {
                throw new IllegalArgumentException("--threads " + threads + " is above the limit of "
                        + CpuThreadSettings.MAX_THREADS + " CPU threads (this machine has "
                        + Runtime.getRuntime().availableProcessors() + " processors)");
            }
            System.setProperty(CpuThreadSettings.PROPERTY, Integer.toString(threads));
        }
    }

    /**
     * A warning when the CPU backend runs another thread count than requested.
     *
     * @return the warning line, or null when it runs {@code threads} threads (or none was requested)
     */
    static String verify(Integer threads) {
        if (threads == null) {
            return null;
        }
        int running = Device.cpu().info().computeUnits();
        return running == threads ? null : "--threads " + threads + " has no effect: the CPU backend already runs "
                + running + " threads in this JVM (it reads -D" + CpuThreadSettings.PROPERTY + " when it starts)";
    }
}
