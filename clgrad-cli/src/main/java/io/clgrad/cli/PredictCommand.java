package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clgrad predict}: runs a saved model on feature vectors given on the command line and
 * prints, per input, the predicted class: for a model trained on CSV data its label, index and
 * probability ({@code 1.8,0.1 -> cat (class 0, p=0.8912)}); otherwise the class index and, for a
 * binary model, the probability of class 1.
 */
@Command(name = "predict",
        description = "Predicts with a saved model: clgrad predict --model m.safetensors --input 0.5,-0.2")
final class PredictCommand extends CliCommand {

    @Mixin
    ModelFileOption model;

    @Option(names = "--input", paramLabel = "X1,X2,...", required = true,
            description = "Features of one sample, comma-separated; repeat --input for more samples.")
    String[] inputs;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        Device dev = device.orBest();
        SavedModel saved = model.open(dev);
        ModelSpec modelSpec = saved.spec();
        int f = modelSpec.inputs();
        if ((long) inputs.length * f > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(inputs.length + " inputs of " + f + " features are too many for one tensor");
        }
        float[] x = new float[inputs.length * f];
        for (int i = 0; i < inputs.length; i++) {
            System.arraycopy(ArgumentChecks.features(inputs[i], f), 0, x, i * f, f);
        }
        PrintWriter out = out();
        List<String> names = saved.header().classes();
        if (names != null) {
            printNamed(out, saved.loop().probabilities(Tensor.of(dev, x, inputs.length, f)), names);
            return 0;
        }
        float[] result = saved.loop().predict(Tensor.of(dev, x, inputs.length, f)).toFloatArray();
        for (int i = 0; i < inputs.length; i++) {
            if (modelSpec.binary()) {
                out.println(String.format(Locale.ROOT, "%s -> class %d (p(class 1) = %.4f)", inputs[i],
                        result[i] > 0.5f ? 1 : 0, result[i]));
            } else {
                out.println(String.format(Locale.ROOT, "%s -> class %d", inputs[i], (int) result[i]));
            }
        }
        return 0;
    }

    /**
     * One line per input for a model that names its classes (trained on CSV data):
     * {@code 1.8,0.1 -> cat (class 0, p=0.8912)}, with the probability of the predicted class.
     *
     * @param probs float32 {@code [N, C]} class probabilities ({@code C = 1}: p(class 1) of a binary model)
     */
    private void printNamed(PrintWriter out, Tensor probs, List<String> names) {
        int n = probs.shape()[0];
        int c = probs.shape()[1];
        float[] p = probs.toFloatArray();
        for (int i = 0; i < n; i++) {
            int best;
            float pBest;
            if (c == 1) {
                best = p[i] > 0.5f ? 1 : 0;
                pBest = best == 1 ? p[i] : 1 - p[i];
            } else {
                best = 0;
                for (int k = 1; k < c; k++) {
                    if (p[i * c + k] > p[i * c + best]) {
                        best = k;
                    }
                }
                pBest = p[i * c + best];
            }
            out.println(String.format(Locale.ROOT, "%s -> %s (class %d, p=%.4f)", inputs[i], names.get(best), best, pBest));
        }
    }
}
