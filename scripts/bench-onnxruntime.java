/*
 * The ONNX Runtime side of `scripts/bench --vs-onnxruntime`: the bench's infer workloads run by ONNX
 * Runtime's Java API (com.microsoft.onnxruntime:onnxruntime, CPU execution provider), the library a
 * JVM service would otherwise call for one request at a time.
 *
 * Run by the Java launcher with ONNX Runtime's jar on the class path (the bench does this):
 *
 *     java -cp onnxruntime-1.20.0.jar scripts/bench-onnxruntime.java --serve --threads 2 --model-dir DIR
 *
 * DIR holds MODEL.onnx and MODEL.check for mlp and cnn, written by `scripts/bench-pytorch.py
 * --export-onnx DIR` (the same models and weights as the PyTorch side's infer workload). Before the
 * first timing of a model its check input is run and the logits compared with PyTorch's (|diff| <=
 * 1e-4 + 1e-4 |expected|): a mismatch is an error, so the times are those of the same model.
 *
 * Protocol, as bench-pytorch.py --serve: a header line `onnxruntime device: ...` (or `error: ...` when a
 * model is missing or its logits differ) and `end`; then one
 * workload per line on stdin, `infer:MODEL:B[:CALLS[:SECS[:WSECS]]]`, answered by
 * `onnxruntime infer MODEL batch=B: X us` (mean latency of one call: input tensor made from a float
 * array, session run, logits copied out; after WSECS seconds and at least 20 untimed calls, at least
 * CALLS timed calls and SECS seconds, in groups of 20) and `end`; an error is a line `error: ...`.
 */
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

public final class BenchOnnxRuntime {
    private static final int GROUP = 20;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final Map<String, OrtSession> sessions = new HashMap<>();
    private final Path modelDir;
    private final int threads;

    private BenchOnnxRuntime(Path modelDir, int threads) {
        this.modelDir = modelDir;
        this.threads = threads;
    }

    /**
     * Serves infer workloads on stdin (see the file comment) after opening and checking both models.
     *
     * @param args {@code --serve --threads N --model-dir DIR}
     */
    public static void main(String[] args) throws Exception {
        int threads = 2;
        Path dir = null;
        boolean serve = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve" -> serve = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--model-dir" -> dir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "' (expected --serve, --threads N, --model-dir DIR)");
            }
        }
        if (!serve || dir == null) {
            System.err.println("usage: java -cp onnxruntime.jar bench-onnxruntime.java --serve --threads N --model-dir DIR");
            System.exit(2);
        }
        BenchOnnxRuntime bench = new BenchOnnxRuntime(dir, threads);
        try {   // open and check every model first: a model that is not PyTorch's is no comparison at all
            bench.session("mlp");
            bench.session("cnn");
            System.out.println("onnxruntime device: ONNX Runtime " + bench.env.getVersion() + " (Java API, cpu, "
                    + threads + " intra-op threads)");
        } catch (Exception e) {
            System.out.println(("error: " + e).replace('\n', ' '));
        }
        System.out.println("end");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                System.out.println(bench.run(line.strip()));
            } catch (Exception e) {   // report and keep serving, as the PyTorch side does
                System.out.println(("error: " + e).replace('\n', ' '));
            }
            System.out.println("end");
            System.out.flush();
        }
        for (OrtSession s : bench.sessions.values()) {
            s.close();
        }
    }

    /** Runs one {@code infer:MODEL:B[:CALLS[:SECS[:WSECS]]]} workload and returns its line. */
    private String run(String word) throws Exception {
        String[] p = word.split(":");
        if (!p[0].equals("infer") || p.length < 3 || p.length > 6) {
            throw new IllegalArgumentException("unknown workload '" + word + "' (only infer:MODEL:B[:CALLS[:SECS[:WSECS]]])");
        }
        String model = p[1];
        int batch = Integer.parseInt(p[2]);
        int minCalls = p.length > 3 ? Integer.parseInt(p[3]) : 200;
        double minSeconds = p.length > 4 ? Double.parseDouble(p[4]) : 1.0;
        double warmupSeconds = p.length > 5 ? Double.parseDouble(p[5]) : 1.0;
        OrtSession session = session(model);
        long[] shape = model.equals("cnn") ? new long[] {batch, 1, 28, 28} : new long[] {batch, 784};
        float[] x = new float[batch * 784];   // 784 = 28 x 28 pixels, as either shape
        Random r = new Random(42);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float sink = 0;
        long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < 20 || System.nanoTime() < end; i++) {
            sink += call(session, x, shape)[0];
        }
        long t0 = System.nanoTime();
        long calls = 0;
        while (calls < minCalls || System.nanoTime() - t0 < minSeconds * 1e9) {
            for (int i = 0; i < GROUP; i++) {
                sink += call(session, x, shape)[0];
            }
            calls += GROUP;
        }
        double us = (System.nanoTime() - t0) / 1e3 / calls;
        if (Float.isNaN(sink)) {
            throw new IllegalStateException("NaN logits from " + model);
        }
        return String.format(Locale.ROOT, "onnxruntime infer %s batch=%d: %.1f us", model, batch, us);
    }

    /** One call as a service makes it: a tensor from the input array, the session run, the logits copied out. */
    private float[] call(OrtSession session, float[] x, long[] shape) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OrtSession.Result out = session.run(Map.of("x", t))) {
            FloatBuffer logits = ((OnnxTensor) out.get(0)).getFloatBuffer();
            float[] copy = new float[logits.remaining()];
            logits.get(copy);
            return copy;
        }
    }

    /** The session of {@code model}, opened (and checked against PyTorch's logits) on first use. */
    private OrtSession session(String model) throws Exception {
        OrtSession s = sessions.get(model);
        if (s != null) {
            return s;
        }
        Path file = modelDir.resolve(model + ".onnx");
        if (!Files.isRegularFile(file)) {
            throw new IOException("no model " + file + " (made by scripts/bench-pytorch.py --export-onnx "
                    + modelDir + ")");
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(threads);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            s = env.createSession(file.toString(), so);
        }
        try {
            check(s, modelDir.resolve(model + ".check"));
        } catch (Exception e) {
            s.close();
            throw e;
        }
        sessions.put(model, s);
        return s;
    }

    /** Runs the check file's input and compares the logits with PyTorch's; throws on a mismatch. */
    private void check(OrtSession s, Path checkFile) throws IOException, OrtException {
        List<String> lines = Files.readAllLines(checkFile);
        if (lines.size() < 3) {
            throw new IOException(checkFile + ": expected 3 lines (shape, input, logits), found " + lines.size());
        }
        long[] shape = java.util.Arrays.stream(lines.get(0).trim().split(" ")).mapToLong(Long::parseLong).toArray();
        float[] x = floats(lines.get(1));
        float[] expected = floats(lines.get(2));
        float[] got = call(s, x, shape);
        if (got.length != expected.length) {
            throw new IllegalStateException(checkFile + ": ONNX Runtime gave " + got.length + " logits, PyTorch "
                    + expected.length);
        }
        for (int i = 0; i < got.length; i++) {
            if (!(Math.abs(got[i] - expected[i]) <= 1e-4 + 1e-4 * Math.abs(expected[i]))) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "%s: ONNX Runtime's logit %d is %.6g, PyTorch's %.6g: not the same model", checkFile, i,
                        got[i], expected[i]));
            }
        }
    }

    private static float[] floats(String line) {
        String[] p = line.trim().split(" ");
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Float.parseFloat(p[i]);
        }
        return v;
    }
}
