package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.io.Safetensors;
import io.clgrad.io.SafetensorsFile;
import io.clgrad.nn.BatchNorm2d;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A BatchNorm2d state dict that PyTorch saved (golden/batchnorm2d.safetensors: weight, bias,
 * running_mean, running_var, and num_batches_tracked as int64, after 4 SGD steps) loads with
 * strict=true and gives PyTorch's outputs (golden/batchnorm_state.json): in evaluation mode, and
 * in training mode, after which the running statistics and num_batches_tracked (5) match PyTorch's.
 */
class BatchNormStateDictGoldenTest {
    private static final String FILE = "batchnorm_state.json";

    static Stream<Arguments> cases() {
        return Golden.onEveryDevice(FILE);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("cases")
    void pyTorchStateDictLoadsStrictAndMatches(Device device, String name, JsonNode c) throws Exception {
        String fixture = FILE + ": " + name;
        Path file = Path.of(Golden.class.getResource("/golden/" + c.get("file").asText()).toURI());
        SafetensorsFile saved = Safetensors.load(file);
        Tensor tracked = saved.tensors().get("num_batches_tracked");
        assertEquals(DType.INT32, tracked.dtype(), "I64 num_batches_tracked reads as int32");
        assertEquals(0, tracked.dim(), "num_batches_tracked is 0-d");

        BatchNorm2d m = new BatchNorm2d(6).to(device);
        m.loadStateDict(saved.tensors(), true);
        assertEquals(c.get("num_batches_tracked").asInt(), m.numBatchesTracked().toIntArray()[0]);

        Tensor x = Golden.tensor(c.get("x"), device);
        m.eval();
        Golden.assertClose(fixture, "eval output", c.get("eval_output"), m.forward(x), device, Golden.TOL);
        m.train();
        Golden.assertClose(fixture, "train output", c.get("train_output"), m.forward(x), device, Golden.TOL);
        BatchNormGoldenTest.checkState(fixture + " after a training forward", c.get("after_train_step"), m, device);
    }
}
