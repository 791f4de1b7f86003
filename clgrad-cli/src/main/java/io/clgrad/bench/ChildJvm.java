package io.clgrad.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A measurement in a fresh JVM: this JVM's java and class path, the given JVM options, the main class
 * and its arguments; stderr goes to ours, stdout is returned. The JDK's {@code libjsig.so} is preloaded
 * (as scripts/clgrad does) because OpenCL drivers built on LLVM replace the JVM's signal handlers.
 * Used by {@link KernelSetup} (cold and warm program caches) and {@link ThreadSweep} (CPU thread counts).
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * Runs {@code main} in a child JVM and returns what it printed on stdout.
     *
     * @param jvmOptions     e.g. {@code -Dclgrad.threads=4}
     * @param main           the class whose {@code main} runs
     * @param args           its arguments
     * @param timeoutSeconds the most the child may take
     * @param what           what it measures, for error messages
     * @throws IOException when it cannot start, runs too long or exits with an error
     */
    static String run(List<String> jvmOptions, Class<?> main, List<String> args, long timeoutSeconds, String what)
            throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=clgrad-cli-logback.xml"));
        cmd.addAll(jvmOptions);
        cmd.add(main.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        if (Files.exists(jsig)) {
            String preload = pb.environment().get("LD_PRELOAD");
            if (preload == null || !preload.contains("libjsig")) {
                pb.environment().put("LD_PRELOAD", jsig + (preload == null || preload.isEmpty() ? "" : ":" + preload));
            }
        }
        Process p = pb.start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " took over " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("the child JVM for " + what + " exited with " + p.exitValue());
            }
            return output;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
