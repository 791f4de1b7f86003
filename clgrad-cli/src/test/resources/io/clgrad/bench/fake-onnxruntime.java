/*
 * A stand-in for scripts/bench-onnxruntime.java in BenchmarkVsOnnxRuntimeTest: speaks its protocol
 * (header, then one answer per infer workload, each ended by "end") without ONNX Runtime, answering
 * the mlp's infer workloads with a latency of 1000 us, the cnn's with an error (an answer of two
 * lines, the error and a stray one, before "end"), and with an error when the model directory it
 * was given does not exist.
 */
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;

public final class FakeOnnxRuntime {
    public static void main(String[] args) throws Exception {
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--model-dir")) {
                dir = Path.of(args[++i]);
            }
        }
        System.out.println("onnxruntime device: fake (test stand-in)");
        System.out.println("end");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] p = line.strip().split(":");
            if (dir == null || !Files.isDirectory(dir)) {
                System.out.println("error: no model directory " + dir);
            } else if (p[0].equals("infer") && p[1].equals("cnn")) {
                System.out.println("error: the stand-in runs no cnn");
                System.out.println("a line the bench must skip");
            } else if (p[0].equals("infer")) {
                System.out.println("onnxruntime infer " + p[1] + " batch=" + p[2] + ": 1000.0 us");
            } else {
                System.out.println("error: unknown workload " + line);
            }
            System.out.println("end");
            System.out.flush();
        }
    }
}
