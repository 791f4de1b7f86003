package io.clgrad.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be read or written as asked: truncated, malformed or hostile
 * safetensors data, or a checkpoint that does not fit the model or optimizer it is loaded into.
 * The message names the file and the problem, for example
 * {@code "model.safetensors: header length 123456789 is larger than the file (2048 bytes)"}, and is
 * meant to be shown to a user as it is.
 */
public class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /**
     * @param file    the file, as the caller named it
     * @param problem what is wrong with it, without the file name
     */
    public ModelFileException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * @param file    the file, as the caller named it
     * @param problem what is wrong with it, without the file name
     * @param cause   the underlying error, or null
     */
    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file the problem is in. */
    public Path file() {
        return file;
    }

    /** The problem, without the file name. */
    public String problem() {
        return problem;
    }

    /**
     * A value read from a file, made fit for a one-line message: at most 80 characters (longer text
     * is cut to 77 and ends in "..."), control characters (line breaks, terminal escapes) shown as
     * '?', and null as "null".
     */
    public static String shorten(String text) {
        if (text == null) {
            return "null";
        }
        String t = text.length() <= 80 ? text : text.substring(0, 77) + "...";
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }
}
