package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** TrainApp, as the cluster script runs it, on local[2] and a subset: the lines it promises. */
class TrainAppTest {

    @Test
    void printsTheEpochLossesAllReduceTimeWallTimeAndTestAccuracy() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        double acc = TrainApp.run(new String[] {"--master", "local[2]", "--data", FashionMnistFixture.dir().toString(),
            "--epochs", "2", "--limit", "4000", "--batch-size", "100"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertTrue(out.contains("tasks 2 on devices "), out);
        Matcher e1 = Pattern.compile("(?m)^epoch 1 loss ([0-9.]+)$").matcher(out);
        Matcher e2 = Pattern.compile("(?m)^epoch 2 loss ([0-9.]+)$").matcher(out);
        assertTrue(e1.find() && e2.find(), out);
        assertTrue(Double.parseDouble(e2.group(1)) < Double.parseDouble(e1.group(1)), out);
        assertTrue(Pattern.compile("(?m)^all-reduce ms/step [0-9.]+$").matcher(out).find(), out);
        assertTrue(Pattern.compile("(?m)^wall time [0-9.]+ s$").matcher(out).find(), out);
        Matcher a = Pattern.compile("(?m)^test accuracy ([0-9.]+)$").matcher(out);
        assertTrue(a.find(), out);
        assertEquals(acc, Double.parseDouble(a.group(1)), 1e-4);
        assertTrue(acc > 0.7, "4,000 images, 2 epochs: " + acc);   // chance is 0.1
    }

    @Test
    void anUnknownOptionIsNamed() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> TrainApp.run(new String[] {"--epoch", "3"}, System.out));
        assertTrue(e.getMessage().contains("unknown option '--epoch'"), e.getMessage());
    }
}
