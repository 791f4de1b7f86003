package io.clgrad.examples;

import io.clgrad.Device;
import io.clgrad.Shape;
import io.clgrad.Tensor;
import io.clgrad.nn.BCEWithLogitsLoss;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The seed chapter's example, line for line: define {@link SimpleNet}, print it, make a random
 * batch of 5 samples with 2 features and 0/1 labels, take one Adam step on
 * {@code BCEWithLogitsLoss}, and show a weight before and after {@code step()}.
 * Run it with {@code clgrad example simplenet} (on {@code Device.best()}, or {@code CLGRAD_DEVICE}).
 */
public final class SimpleNetExample {
    private SimpleNetExample() {
    }

    /** Runs the example on {@link Device#best()}, printing to stdout. */
    public static void main(String[] args) {
        run(Device.best(), System.out);
    }

    /**
     * Runs the example on {@code device}, printing to {@code out}.
     *
     * @return the loss of the step
     */
    public static float run(Device device, PrintStream out) {
        Tensor.manualSeed(42);
        SimpleNet model = new SimpleNet(2, 10, 1).to(device);       // model = SimpleNet(2, 10, 1).to(device)
        out.println(model);                                         // print(model)
        out.println("device: " + device + " (" + device.info().name() + ")");

        Tensor x = Tensor.randn(device, 5, 2);                      // x = torch.randn(5, 2)
        Tensor y = Tensor.randint(0, 2, 5, 1).toFloat().to(device); // y = torch.randint(0, 2, (5, 1)).float()

        BCEWithLogitsLoss criterion = new BCEWithLogitsLoss();      // criterion = nn.BCEWithLogitsLoss()
        Optimizer optimizer = new Adam(model.parameters(), 0.01);   // optimizer = optim.Adam(model.parameters(), lr=0.01)
        out.println(criterion);
        out.println(optimizer);

        Tensor weight = model.layer1().weight();
        out.println("layer_1.weight[0] before step: " + row(weight));

        optimizer.zeroGrad();                                       // optimizer.zero_grad()
        Tensor output = model.forward(x);                           // output = model(x)
        out.println("output shape: " + Shape.str(output.shape()));  // torch.Size([5, 1])
        Tensor loss = criterion.forward(output, y);                 // loss = criterion(output, y)
        float value = loss.item();
        out.println(String.format(Locale.ROOT, "loss: %.4f", value));
        loss.backward();                                            // loss.backward()
        optimizer.step();                                           // optimizer.step()

        out.println("layer_1.weight[0] after step:  " + row(model.layer1().weight()));
        return value;
    }

    private static String row(Tensor weight) {
        float[] w = weight.toFloatArray();
        return String.format(Locale.ROOT, "[%.4f, %.4f]", w[0], w[1]);
    }
}
