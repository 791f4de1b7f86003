package io.clgrad.cli;

import io.clgrad.Device;
import io.clgrad.examples.CnnExample;
import io.clgrad.examples.SimpleNetExample;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code clgrad example simplenet}: runs the seed chapter's example ({@link SimpleNetExample}) on
 * {@link Device#best()} (or {@code --device}); {@code clgrad example cnn} the CNN of PyTorch's
 * classifier tutorial ({@link CnnExample}).
 */
@Command(name = "example",
        description = "Runs a built-in example: simplenet (the PyTorch chapter's SimpleNet, one Adam step) or cnn"
                + " (the CNN of PyTorch's classifier tutorial: one Adam step on random images, then a prediction).")
final class ExampleCommand extends CliCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Example to run: simplenet or cnn.")
    String name;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        if (!name.equals("simplenet") && !name.equals("cnn")) {
            throw new IllegalArgumentException("unknown example '" + name + "'; available: simplenet, cnn");
        }
        PrintStream out = new PrintStream(new WriterOutputStream(out()), true);
        if (name.equals("cnn")) {
            CnnExample.run(device.orBest(), out);
        } else {
            SimpleNetExample.run(device.orBest(), out);
        }
        out.flush();
        return 0;
    }

    /** Bridges picocli's PrintWriter (captured in tests) to the PrintStream the example writes to. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final java.io.PrintWriter writer;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        WriterOutputStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            writer.print(line.toString(java.nio.charset.StandardCharsets.UTF_8));
            writer.flush();
            line.reset();
        }
    }
}
