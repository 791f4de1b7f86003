package io.clgrad.data;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line into trimmed cells: commas separate, {@code "} quotes, {@code ""} is a quote inside quotes. */
final class CsvLine {
    private CsvLine() {
    }

    static String[] split(String line, String file, int lineNo) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                cells.add(cell.toString().trim());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException(file + " line " + lineNo + ": unclosed quote");
        }
        cells.add(cell.toString().trim());
        return cells.toArray(new String[0]);
    }
}
