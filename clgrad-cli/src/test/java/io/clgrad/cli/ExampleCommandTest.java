package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code clgrad example simplenet} prints what the PyTorch chapter prints, on every device. */
class ExampleCommandTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void simplenetPrintsModelCriterionOptimizerShapeAndLoss(Device d) {
        String text = example("simplenet", d);
        assertTrue(text.startsWith("SimpleNet(\n"
                + "  (layer_1): Linear(in_features=2, out_features=10, bias=True)\n"
                + "  (relu): ReLU()\n"
                + "  (layer_2): Linear(in_features=10, out_features=1, bias=True)\n"
                + ")\n"), text);
        assertTrue(text.contains("\nBCEWithLogitsLoss()\n"), text);
        assertTrue(text.contains("Adam (\nParameter Group 0\n    amsgrad: False\n    betas: (0.9, 0.999)\n"), text);
        assertTrue(text.contains("    lr: 0.01\n"), text);
        assertTrue(text.contains("output shape: [5, 1]\n"), text);
        assertTrue(text.matches("(?s).*\\nloss: \\d+\\.\\d{4}\\n.*"), text);
        assertTrue(text.contains("device: " + d.id()), text);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void cnnPrintsTheTutorialsNetworkShapesAndLoss(Device d) {
        String text = example("cnn", d);
        // print(model) of PyTorch 1.13 for the same nn.Sequential
        assertTrue(text.startsWith("""
                Sequential(
                  (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                  (1): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                  (2): ReLU()
                  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
                  (4): Conv2d(32, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                  (5): BatchNorm2d(64, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                  (6): ReLU()
                  (7): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
                  (8): Flatten(start_dim=1, end_dim=-1)
                  (9): Linear(in_features=3136, out_features=128, bias=True)
                  (10): ReLU()
                  (11): Linear(in_features=128, out_features=10, bias=True)
                )
                """), text);
        assertTrue(text.contains("\nparameters: 421,834\n"), text);
        assertTrue(text.contains("\ninput shape: [8, 1, 28, 28]\noutput shape: [8, 10]\n"), text);
        assertTrue(text.matches("(?s).*\\nloss: \\d+\\.\\d{4}\\n.*"), text);
        assertTrue(text.contains("\n0.weight.grad shape: [32, 1, 3, 3]\n1.num_batches_tracked: 1\n"), text);
        assertTrue(text.matches("(?s).*\\npredicted: \\[(\\d, ){7}\\d\\]\\n.*"), text);
    }

    /** The output of {@code clgrad example NAME --device D}, which must succeed. */
    private static String example(String name, Device d) {
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("example", name, "--device", d.id());
        String text = out.toString();
        assertEquals(0, code, text);
        return text;
    }
}
