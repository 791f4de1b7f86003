package io.clgrad.examples;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Shape;
import io.clgrad.Tensor;
import io.clgrad.nn.BatchNorm2d;
import io.clgrad.nn.Conv2d;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Flatten;
import io.clgrad.nn.Linear;
import io.clgrad.nn.MaxPool2d;
import io.clgrad.nn.ReLU;
import io.clgrad.nn.Sequential;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * The CNN of PyTorch's "training a classifier" tutorial for 28x28 grey images (Fashion-MNIST), line
 * for line: define it as an {@code nn.Sequential}, print it, make a random batch of 8 images with
 * class labels, take one Adam step on {@code CrossEntropyLoss} in training mode (the BatchNorm
 * layers use the batch's statistics and update their running ones), then predict in evaluation
 * mode. {@code clgrad train --model cnn} trains the same network; docs/cnn.md walks the whole
 * tutorial. Run it with {@code clgrad example cnn} (on {@code Device.best()}, or {@code CLGRAD_DEVICE}).
 */
public final class CnnExample {
    private CnnExample() {
    }

    /** Runs the example on {@link Device#best()}, printing to stdout. */
    public static void main(String[] args) {
        run(Device.best(), System.out);
    }

    /**
     * The tutorial's network, new, initialised as PyTorch's, on the CPU: two blocks of
     * {@code Conv2d(3x3, padding=1) -> BatchNorm2d -> ReLU -> MaxPool2d(2)} (32 and 64 channels,
     * 28x28 to 14x14 to 7x7), then {@code Flatten -> Linear(3136, 128) -> ReLU -> Linear(128, 10)}.
     * Input {@code [N, 1, 28, 28]}, output {@code [N, 10]} logits.
     */
    public static Sequential network() {
        return new Sequential(
                new Conv2d(1, 32, 3, 1, 1),       // nn.Conv2d(1, 32, 3, padding=1)
                new BatchNorm2d(32),              // nn.BatchNorm2d(32)
                new ReLU(),                       // nn.ReLU()
                new MaxPool2d(2),                 // nn.MaxPool2d(2)
                new Conv2d(32, 64, 3, 1, 1),      // nn.Conv2d(32, 64, 3, padding=1)
                new BatchNorm2d(64),              // nn.BatchNorm2d(64)
                new ReLU(),                       // nn.ReLU()
                new MaxPool2d(2),                 // nn.MaxPool2d(2)
                new Flatten(),                    // nn.Flatten()
                new Linear(64 * 7 * 7, 128),      // nn.Linear(64 * 7 * 7, 128)
                new ReLU(),                       // nn.ReLU()
                new Linear(128, 10));             // nn.Linear(128, 10)
    }

    /**
     * Runs the example on {@code device}, printing to {@code out}.
     *
     * @return the loss of the step
     */
    public static float run(Device device, PrintStream out) {
        Tensor.manualSeed(42);
        Sequential model = network().to(device);                          // model = nn.Sequential(...).to(device)
        out.println(model);                                               // print(model)
        out.println(String.format(Locale.ROOT, "parameters: %,d", model.numParameters()));
        out.println("device: " + device + " (" + device.info().name() + ")");

        Tensor images = Tensor.randn(device, 8, 1, 28, 28);               // images = torch.randn(8, 1, 28, 28)
        Tensor labels = Tensor.randint(device, 0, 10, 8);                 // labels = torch.randint(0, 10, (8,))
        CrossEntropyLoss criterion = new CrossEntropyLoss();              // criterion = nn.CrossEntropyLoss()
        Optimizer optimizer = new Adam(model.parameters(), 1e-3);        // optimizer = optim.Adam(model.parameters(), lr=1e-3)

        model.train();                                                    // model.train()
        optimizer.zeroGrad();                                             // optimizer.zero_grad()
        Tensor output = model.forward(images);                            // output = model(images)
        out.println("input shape: " + Shape.str(images.shape()));         // torch.Size([8, 1, 28, 28])
        out.println("output shape: " + Shape.str(output.shape()));        // torch.Size([8, 10])
        Tensor loss = criterion.forward(output, labels);                  // loss = criterion(output, labels)
        float value = loss.item();
        out.println(String.format(Locale.ROOT, "loss: %.4f", value));
        loss.backward();                                                  // loss.backward()
        Conv2d conv1 = (Conv2d) model.get(0);
        out.println("0.weight.grad shape: " + Shape.str(conv1.weight().grad().shape()));   // torch.Size([32, 1, 3, 3])
        optimizer.step();                                                 // optimizer.step()
        BatchNorm2d bn1 = (BatchNorm2d) model.get(1);
        out.println("1.num_batches_tracked: " + bn1.numBatchesTracked().toIntArray()[0]);

        model.eval();                                                     // model.eval()
        try (Autograd.Mode g = Autograd.noGrad()) {                       // with torch.no_grad():
            Tensor predicted = model.forward(images).argmax(1);           //     predicted = model(images).argmax(1)
            out.println("predicted: " + Arrays.toString(predicted.toIntArray()));
        }
        return value;
    }
}
