package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict JSON reader and writer behind safetensors headers. */
class JsonTest {
    @Test
    void readsEveryKindOfValue() throws Exception {
        Map<?, ?> m = (Map<?, ?>) Json.parse(" {\"a\": [1, -2, 3.5, 1e3, -0, 12345678901234567890], \"b\": true,"
                + " \"c\": false, \"d\": null, \"e\": \"x\\n\\u00e9\\ud83d\\ude00\\/\"} ");
        assertEquals(Arrays.asList(1L, -2L, 3.5, 1000.0, 0L, new BigInteger("12345678901234567890")), m.get("a"));
        assertEquals(true, m.get("b"));
        assertEquals(false, m.get("c"));
        assertNull(m.get("d"));
        assertEquals("x\né😀/", m.get("e"));
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(m.keySet()));
    }

    @Test
    void rejectsWhatTheRfcRejects() {
        for (String bad : List.of("{", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "+1", "\"\\x\"", "\"a\tb\"", "tru",
                "NaN", "{'a':1}", "1".repeat(401), "\"\\ud800\"", "\"\\udc00x\"", "[1] 2", "{\"a\" 1}", "-", "1e", "\"abc")) {
            assertThrows(Json.ParseException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void writesWhatItReads() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr", 1e-8);
        m.put("betas", List.of(0.9, 0.999));
        m.put("n", 3L);
        m.put("none", null);
        m.put("s", "quote\" back\\ ctl\u0001 ✓");
        m.put("flag", false);
        String text = Json.write(m);
        assertEquals("{\"lr\":1.0E-8,\"betas\":[0.9,0.999],\"n\":3,\"none\":null,\"s\":\"quote\\\" back\\\\ ctl\\u0001 ✓\","
                + "\"flag\":false}", text);
        assertEquals(m, Json.parse(text));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write("\ud800"));
    }
}
