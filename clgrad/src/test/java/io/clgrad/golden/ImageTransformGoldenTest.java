package io.clgrad.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.data.transforms.CenterCrop;
import io.clgrad.data.transforms.ColorJitter;
import io.clgrad.data.transforms.PaddingMode;
import io.clgrad.data.transforms.RandomCrop;
import io.clgrad.data.transforms.RandomRotation;
import io.clgrad.data.transforms.Resize;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deterministic image transforms against PyTorch (golden/image_transforms.json, computed through
 * the torch ops torchvision 0.14's tensor functions call, torchvision not being installed):
 * {@link Resize} against {@code interpolate(bilinear, align_corners=False)} for upscaling, downscaling
 * and mixed sizes; {@link CenterCrop} with odd/even margins (Python's half-to-even rounding) and
 * crops larger than the image (zero padding); {@link RandomCrop#crop} at fixed windows after
 * padding in every mode (constant with per-channel fill, edge, reflect, symmetric; 1, 2 and 4 padding
 * values); {@link RandomRotation#rotate} against torchvision's affine grid and nearest
 * {@code grid_sample} with its fill mask; {@link ColorJitter#adjust} for every adjustment on grey
 * and RGB images. Transforms run on the CPU, so there is no device parameter.
 */
class ImageTransformGoldenTest {
    private static final String FILE = "image_transforms.json";

    static Stream<JsonNode> cases() {
        return Golden.cases(FILE).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(JsonNode c) {
        Tensor x = Golden.tensor(c.get("x"), Device.cpu());
        Tensor got = switch (c.get("op").asText()) {
            case "resize" -> new Resize(c.get("size").get(0).asInt(), c.get("size").get(1).asInt()).apply(x);
            case "center_crop" -> new CenterCrop(c.get("size").get(0).asInt(), c.get("size").get(1).asInt()).apply(x);
            case "crop" -> new RandomCrop(c.get("size").get(0).asInt(), c.get("size").get(1).asInt(), ints(c.get("padding")),
                    false, Golden.floats(data(c.get("fill"))),
                    PaddingMode.valueOf(c.get("mode").asText().toUpperCase(Locale.ROOT)), 0)
                    .crop(x, c.get("top").asInt(), c.get("left").asInt());
            case "rotate" -> RandomRotation.rotate(x, c.get("angle").asDouble(), Golden.floats(data(c.get("fill"))));
            case "adjust" -> ColorJitter.adjust(x, c.get("adjustment").asText(), c.get("factor").asDouble());
            default -> throw new IllegalArgumentException("unknown op in " + FILE + ": " + c.get("op"));
        };
        Golden.assertClose(FILE, c.get("name").asText(), c.get("output"), got, Device.cpu(), Golden.TOL);
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    /** A JSON array of numbers wrapped as a fixture tensor {"data": [...]} for {@link Golden#floats}. */
    private static JsonNode data(JsonNode array) {
        com.fasterxml.jackson.databind.node.ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        n.set("data", array);
        return n;
    }
}
