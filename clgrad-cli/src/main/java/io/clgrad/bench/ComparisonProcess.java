package io.clgrad.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The other side of a comparison as a child process that serves workloads: {@code
 * scripts/bench-pytorch.py --serve} (PyTorch, and numpy for GEMM) or {@code
 * scripts/bench-onnxruntime.java --serve} (ONNX Runtime's Java API, the infer workloads). The harness
 * sends it one workload at a time ({@code gemm:1024}, {@code simplenet:64:2000}, {@code
 * infer:mlp:1:200:1.0:4.0}) between its own runs of the same workload, so that both sides alternate
 * and see the same machine load. Each answer is lines prefixed with the library that made them
 * ({@code pytorch }, {@code numpy }, {@code onnxruntime }), ended by a line {@code end}.
 */
final class ComparisonProcess implements AutoCloseable {
    /** The ONNX Runtime release the bench compares with (Maven Central's com.microsoft.onnxruntime:onnxruntime). */
    static final String ONNXRUNTIME_VERSION = "1.20.0";

    private final Process process;
    private final BufferedReader out;
    private final BufferedWriter in;
    private final String name;
    private final List<String> libraries;
    private final List<String> header;

    private ComparisonProcess(Process process, String name, List<String> libraries) throws IOException {
        this.process = process;
        this.name = name;
        this.libraries = libraries;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.header = readAnswer();
    }

    /**
     * Starts the script with {@code python} and {@code threads} torch/OpenBLAS threads.
     *
     * @throws IOException when it cannot start or does not answer (e.g. no torch in that Python)
     */
    static ComparisonProcess pytorch(String python, Path script, int threads, Path dataDir, int gemmRuns,
                                     double warmupSeconds)
            throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IOException("the PyTorch script " + script + " does not exist (set --pytorch-script or"
                    + " CLGRAD_BENCH_PYTORCH, or run from the repository root)");
        }
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve", "--threads",
                Integer.toString(threads), "--runs", Integer.toString(gemmRuns), "--warmup-seconds",
                Double.toString(warmupSeconds), "--data-dir", dataDir.toString());
        String t = Integer.toString(threads);
        pb.environment().put("OPENBLAS_NUM_THREADS", t);
        pb.environment().put("OMP_NUM_THREADS", t);
        pb.environment().put("MKL_NUM_THREADS", t);
        pb.environment().remove("LD_PRELOAD");   // the JVM's libjsig is no business of Python's
        return start(pb, "bench-pytorch.py", List.of("pytorch", "numpy"), "the PyTorch side",
                python + " " + script + " did not start (it needs Debian's python3-torch and python3-numpy;"
                        + " use --python /usr/bin/python3)");
    }

    /**
     * Starts {@code scripts/bench-onnxruntime.java} in a child JVM (this JVM's {@code java}, source-file
     * mode) with ONNX Runtime's jar on its class path, serving the models of {@code modelDir}
     * ({@link OnnxModels}).
     *
     * @throws IOException when the jar or the script is missing, or the child does not answer (it
     *                     answers an error when a model's logits differ from PyTorch's)
     */
    static ComparisonProcess onnxRuntime(Path jar, Path script, int threads, Path modelDir) throws IOException {
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IOException("no ONNX Runtime jar " + (jar == null ? "given" : jar.toString())
                    + " (set --onnxruntime-jar or CLGRAD_BENCH_ONNXRUNTIME_JAR to com.microsoft.onnxruntime:onnxruntime:"
                    + ONNXRUNTIME_VERSION + "'s jar; scripts/bench --vs-onnxruntime fetches it with Maven)");
        }
        if (!Files.isRegularFile(script)) {
            throw new IOException("the ONNX Runtime script " + script + " does not exist (set --onnxruntime-script"
                    + " or CLGRAD_BENCH_ONNXRUNTIME, or run from the repository root)");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-cp", jar.toString(), script.toString(), "--serve",
                "--threads", Integer.toString(threads), "--model-dir", modelDir.toString());
        return start(pb, "bench-onnxruntime.java", List.of("onnxruntime"), "the ONNX Runtime side",
                script + " did not start with " + jar);
    }

    /**
     * Starts {@code pb} (its stderr passed through) and reads its header.
     *
     * @param side        what it is, for a failure to start ("the PyTorch side")
     * @param notStarted  the message's start when it started but did not answer
     */
    private static ComparisonProcess start(ProcessBuilder pb, String name, List<String> libraries, String side,
                                           String notStarted) throws IOException {
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + pb.command().get(0) + " for " + side + ": " + e.getMessage(), e);
        }
        try {
            return new ComparisonProcess(p, name, libraries);
        } catch (IOException e) {
            p.destroy();
            throw new IOException(notStarted + ": " + e.getMessage(), e);
        }
    }

    /** The child's {@code ... device: ...} lines. */
    List<String> header() {
        return header;
    }

    /**
     * The libraries whose lines the answers carry, the first one always compared with (its ratio line
     * printed even when it gave no value: {@code n/a}), the others where they ran the workload.
     */
    List<String> libraries() {
        return libraries;
    }

    /** Runs one workload and returns its result lines. */
    List<String> run(String workload) throws IOException {
        in.write(workload);
        in.newLine();
        in.flush();
        return readAnswer();
    }

    private List<String> readAnswer() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("end")) {
                return lines;
            }
            if (line.startsWith("error: ")) {
                // read the answer to its end, so that the next workload's answer starts in step
                String rest;
                do {
                    rest = out.readLine();
                } while (rest != null && !rest.equals("end"));
                throw new IOException(name + ": " + line.substring(7));
            }
            lines.add(line);
        }
        throw new IOException("the " + name + " process ended unexpectedly" + (lines.isEmpty() ? "" : " after: " + lines));
    }

    @Override
    public void close() {
        try {
            in.close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }
}
