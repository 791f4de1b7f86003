package io.clgrad.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds where a text file stops being valid UTF-8, for error messages: a {@code BufferedReader}
 * reports only {@code Input length = 1}, and reads ahead, so its line count is not the bad byte's.
 */
final class Utf8Position {
    private Utf8Position() {
    }

    /**
     * The first malformed UTF-8 sequence of {@code file}.
     *
     * @return e.g. {@code "line 3, byte offset 17 (0xff)"}, or null when the whole file is valid UTF-8
     * @throws IOException when the file cannot be read
     */
    static String firstMalformed(Path file) throws IOException {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder(); // reports malformed input by default
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long consumed = 0;  // file offset of in's index 0
        long line = 1;
        boolean eof = false;
        try (ReadableByteChannel ch = Files.newByteChannel(file)) {
            while (true) {
                if (!eof && ch.read(in) < 0) {
                    eof = true;
                }
                in.flip();
                int start = in.position();
                CoderResult cr = dec.decode(in, out, eof);
                for (int i = start; i < in.position(); i++) {
                    if (in.get(i) == '\n') {
                        line++;
                    }
                }
                if (cr.isError()) {
                    return String.format("line %d, byte offset %d (0x%02x)", line, consumed + in.position(),
                            in.get(in.position()) & 0xFF);
                }
                boolean done = eof && !in.hasRemaining();
                consumed += in.position();
                in.compact();
                out.clear();
                if (done) {
                    return null;
                }
            }
        }
    }
}
