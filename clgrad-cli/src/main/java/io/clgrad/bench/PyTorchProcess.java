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
 * {@code scripts/bench-pytorch.py --serve} as a child process: the harness sends it one workload at a
 * time ({@code gemm:1024}, {@code simplenet:64:2000}, {@code fmnist:3:0}) between its own runs of the
 * same workload, so that clgrad and PyTorch alternate and see the same machine load.
 */
final class PyTorchProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final BufferedWriter in;
    private final List<String> header;

    private PyTorchProcess(Process process) throws IOException {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.header = readAnswer();
    }

    /**
     * Starts the script with {@code python} and {@code threads} torch/OpenBLAS threads.
     *
     * @throws IOException when it cannot start or does not answer (e.g. no torch in that Python)
     */
    static PyTorchProcess start(String python, Path script, int threads, Path dataDir, int gemmRuns,
                                double warmupSeconds)
            throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IOException("the PyTorch script " + script + " does not exist (set --pytorch-script or"
                    + " CLGRAD_BENCH_PYTORCH, or run from the repository root)");
        }
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve", "--threads",
                Integer.toString(threads), "--runs", Integer.toString(gemmRuns), "--warmup-seconds",
                Double.toString(warmupSeconds), "--data-dir", dataDir.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        String t = Integer.toString(threads);
        pb.environment().put("OPENBLAS_NUM_THREADS", t);
        pb.environment().put("OMP_NUM_THREADS", t);
        pb.environment().put("MKL_NUM_THREADS", t);
        pb.environment().remove("LD_PRELOAD");   // the JVM's libjsig is no business of Python's
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + python + " for the PyTorch side: " + e.getMessage(), e);
        }
        try {
            return new PyTorchProcess(p);
        } catch (IOException e) {
            p.destroy();
            throw new IOException(python + " " + script + " did not start (it needs Debian's python3-torch and"
                    + " python3-numpy; use --python /usr/bin/python3): " + e.getMessage(), e);
        }
    }

    /** The script's {@code pytorch device: ...} and {@code numpy device: ...} lines. */
    List<String> header() {
        return header;
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
                throw new IOException("bench-pytorch.py: " + line.substring(7));
            }
            lines.add(line);
        }
        throw new IOException("the PyTorch process ended unexpectedly" + (lines.isEmpty() ? "" : " after: " + lines));
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
