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
        CommandLine cl = Main.newCommandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("example", "simplenet", "--device", d.id());
        String text = out.toString();
        assertEquals(0, code, text);
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
}
