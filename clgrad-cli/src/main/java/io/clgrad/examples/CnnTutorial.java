package io.clgrad.examples;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.data.DataLoader;
import io.clgrad.data.FashionMnist;
import io.clgrad.data.TensorDataset;
import io.clgrad.io.Safetensors;
import io.clgrad.nn.CrossEntropyLoss;
import io.clgrad.nn.Module;
import io.clgrad.nn.Sequential;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * PyTorch's "training a classifier" tutorial in Java, on Fashion-MNIST with the tutorial's CNN
 * ({@link CnnExample#network()}): load the data, define the network, the loss and the optimizer,
 * train, test, save the weights as safetensors and load them into a new network. docs/cnn.md walks
 * this code beside the PyTorch lines.
 *
 * <pre>{@code
 * double accuracy = CnnTutorial.run(Device.best(), FashionMnist.DEFAULT_DIR, 5, Path.of("cnn.safetensors"), System.out);
 * }</pre>
 */
public final class CnnTutorial {
    private CnnTutorial() {
    }

    /** Runs the tutorial for 5 epochs on {@link Device#best()} with the Debian package's Fashion-MNIST. */
    public static void main(String[] args) throws IOException {
        run(Device.best(), FashionMnist.DEFAULT_DIR, 5, Path.of("fashion_cnn.safetensors"), System.out);
    }

    /**
     * Trains the CNN on the Fashion-MNIST files in {@code dataDir} for {@code epochs} epochs on
     * {@code device}, printing the mean loss and the test accuracy after each epoch; then saves the
     * state dict to {@code path} and tests a new network loaded from it.
     *
     * @return the test accuracy of the network loaded from {@code path}
     */
    public static double run(Device device, Path dataDir, int epochs, Path path, PrintStream out) throws IOException {
        Tensor.manualSeed(42);                                                    // torch.manual_seed(42)

        // 1. Load the data: images [N, 1, 28, 28] scaled to [0, 1], labels [N]
        TensorDataset trainSet = new FashionMnist(dataDir, true, null).asTensorDataset(false);
        TensorDataset testSet = new FashionMnist(dataDir, false, null).asTensorDataset(false);
        DataLoader<Tensor[]> trainLoader = DataLoader.builder(trainSet)
                .batchSize(128).shuffle(true).seed(42).device(device).build();
        DataLoader<Tensor[]> testLoader = DataLoader.builder(testSet)
                .batchSize(1000).device(device).build();

        // 2. Define the network
        Sequential net = CnnExample.network().to(device);                         // net = Net().to(device)

        // 3. Define a loss function and an optimizer
        CrossEntropyLoss criterion = new CrossEntropyLoss();                      // criterion = nn.CrossEntropyLoss()
        Optimizer optimizer = new Adam(net.parameters(), 1e-3);                   // optimizer = optim.Adam(net.parameters(), lr=1e-3)

        // 4. Train the network
        for (int epoch = 1; epoch <= epochs; epoch++) {                           // for epoch in range(5):
            net.train();                                                          //     net.train()
            double runningLoss = 0;
            int batches = 0;
            for (Tensor[] batch : trainLoader) {                                  //     for inputs, labels in trainloader:
                try (TensorScope scope = Tensors.scope()) {
                    Tensor inputs = batch[0];
                    Tensor labels = batch[1];
                    optimizer.zeroGrad();                                         //         optimizer.zero_grad()
                    Tensor outputs = net.forward(inputs);                         //         outputs = net(inputs)
                    Tensor loss = criterion.forward(outputs, labels);             //         loss = criterion(outputs, labels)
                    loss.backward();                                              //         loss.backward()
                    optimizer.step();                                             //         optimizer.step()
                    runningLoss += loss.item();                                   //         running_loss += loss.item()
                    batches++;
                } finally {
                    for (Tensor t : batch) {
                        t.close();
                    }
                }
            }
            out.println(String.format(Locale.ROOT, "epoch %d: loss %.3f, test accuracy %.4f",
                    epoch, runningLoss / batches, accuracy(net, testLoader)));
        }

        // 5. Save the weights and load them into a new network
        Safetensors.save(path, net.stateDict(), Map.of("format", "pt"));         // save_file(net.state_dict(), PATH)
        Sequential loaded = CnnExample.network().to(device);                      // net = Net().to(device)
        loaded.loadStateDict(Safetensors.load(path).tensors());                   // net.load_state_dict(load_file(PATH))
        double accuracy = accuracy(loaded, testLoader);
        out.println(String.format(Locale.ROOT, "loaded from %s: test accuracy %.4f", path, accuracy));
        return accuracy;
    }

    /**
     * The share of {@code loader}'s images that {@code net} classifies right, in evaluation mode
     * (BatchNorm with its running statistics) and without recording gradients.
     */
    public static double accuracy(Module<?> net, DataLoader<Tensor[]> loader) {
        net.eval();                                                               // net.eval()
        double correct = 0;
        int total = 0;
        try (Autograd.Mode g = Autograd.noGrad()) {                               // with torch.no_grad():
            for (Tensor[] batch : loader) {                                       //     for images, labels in testloader:
                try (TensorScope scope = Tensors.scope()) {
                    Tensor predicted = net.forward(batch[0]).argmax(1);          //         predicted = net(images).argmax(1)
                    correct += predicted.eq(batch[1]).sum().item();               //         correct += (predicted == labels).sum().item()
                    total += batch[1].shape(0);                                   //         total += labels.size(0)
                } finally {
                    for (Tensor t : batch) {
                        t.close();
                    }
                }
            }
        }
        return correct / total;
    }
}
