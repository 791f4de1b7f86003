package io.clgrad.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.function.Consumer;

/** A writer that passes everything on to {@code out} and hands each finished line to {@code lines}. */
final class LineTee extends Writer {
    private final PrintWriter out;
    private final Consumer<String> lines;
    private final StringBuilder line = new StringBuilder();

    LineTee(PrintWriter out, Consumer<String> lines) {
        this.out = out;
        this.lines = lines;
    }

    @Override
    public void write(char[] buf, int off, int len) {
        out.write(buf, off, len);
        for (int i = off; i < off + len; i++) {
            char c = buf[i];
            if (c == '\n') {
                lines.accept(line.toString());
                line.setLength(0);
            } else if (c != '\r') {
                line.append(c);
            }
        }
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
