/*
 * A stand-in for scripts/bench-onnxruntime.java in BenchmarkVsOnnxRuntimeTest: speaks its protocol
 * (header, then one answer per infer workload, each ended by "end") without ONNX Runtime, answering
 * every infer workload with a latency of 1000 us, and an error line when the model directory it was
 * given does not exist.
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
