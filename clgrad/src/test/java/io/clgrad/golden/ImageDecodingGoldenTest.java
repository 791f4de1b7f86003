package io.clgrad.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clgrad.data.Image;
import io.clgrad.data.ImageFolder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ImageFolder decodes image files as PIL does, within ±1 per channel value (PNG exactly): the
 * files under golden/images/ (PNG in RGB, grey, RGBA and palette modes; JPEG 4:2:0, 4:4:4 and grey)
 * were written by PIL, and golden/image_decoding.json holds PIL's pixels after {@code convert("RGB")}
 * and {@code convert("L")} (scripts/make-golden.py, image_decoding()). JPEG decoders may round the
 * inverse DCT differently, hence the ±1.
 */
class ImageDecodingGoldenTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(ImageFolder.Mode.class)
    void decodesAsPil(ImageFolder.Mode mode) throws Exception {
        Path root = Path.of(Golden.class.getResource("/golden/images").toURI());
        JsonNode cases = new ObjectMapper().readTree(Golden.class.getResourceAsStream("/golden/image_decoding.json"))
                .get("cases");
        Map<String, JsonNode> byName = new HashMap<>();
        cases.forEach(c -> byName.put(c.get("name").asText(), c));
        ImageFolder folder = new ImageFolder(root, mode, null, null);
        assertEquals(byName.size(), folder.size(), "every fixture image is found");
        for (int i = 0; i < folder.size(); i++) {
            String name = root.relativize(folder.file(i)).toString().replace('\\', '/');
            JsonNode c = byName.get(name);
            Image img = folder.image(i);
            int channels = mode == ImageFolder.Mode.RGB ? 3 : 1;
            assertEquals(c.get("height").asInt(), img.height(), name);
            assertEquals(c.get("width").asInt(), img.width(), name);
            assertEquals(channels, img.channels(), name);
            JsonNode want = c.get(mode == ImageFolder.Mode.RGB ? "rgb" : "grey");
            int tolerance = name.endsWith(".png") ? 0 : 1;
            int worst = 0;
            for (int y = 0; y < img.height(); y++) {
                for (int x = 0; x < img.width(); x++) {
                    for (int ch = 0; ch < channels; ch++) {
                        int expected = want.get((y * img.width() + x) * channels + ch).asInt();
                        worst = Math.max(worst, Math.abs(img.pixel(y, x, ch) - expected));
                    }
                }
            }
            assertTrue(worst <= tolerance, name + " (" + c.get("mode").asText() + ") as " + mode
                    + ": a value differs from PIL's by " + worst + " (allowed " + tolerance + ")");
        }
    }
}
