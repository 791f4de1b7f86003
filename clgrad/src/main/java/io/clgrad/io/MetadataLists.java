package io.clgrad.io;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists of strings in safetensors metadata, whose values are strings only: a list is stored as a
 * JSON array of strings (e.g. {@code ["cat","dog"]}), written and read with the strict JSON of the
 * safetensors header.
 */
public final class MetadataLists {
    private MetadataLists() {
    }

    /**
     * Encodes a list of strings as a compact JSON array.
     *
     * @param items the strings, none null
     * @return e.g. {@code ["1","2"]}
     * @throws IllegalArgumentException on a null item or a string that is not valid UTF-16
     */
    public static String write(List<String> items) {
        for (String s : items) {
            if (s == null) {
                throw new IllegalArgumentException("MetadataLists.write: a list item is null");
            }
        }
        return Json.write(new ArrayList<Object>(items));
    }

    /**
     * Decodes a JSON array of strings.
     *
     * @param json the metadata value
     * @return the strings, in order
     * @throws IllegalArgumentException when the value is not strict JSON or not an array of strings,
     *                                  saying why
     */
    public static List<String> parse(String json) {
        Object v;
        try {
            v = Json.parse(json);
        } catch (Json.ParseException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("not a JSON array of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException("item " + out.size() + " is not a string");
            }
            out.add(s);
        }
        return out;
    }
}
