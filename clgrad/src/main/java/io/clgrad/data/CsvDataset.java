package io.clgrad.data;

import io.clgrad.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A table read from a CSV file: one column is the label, every other column (at least one) a float
 * feature.
 *
 * <p>Labels: when every label is an integer, the labels are classes: {@link #classes()} lists the
 * distinct values in increasing numeric order and each sample's label is the int32 index of its
 * value in that list (so labels 0..K-1 keep their values). When some label is not a number, the
 * distinct strings, sorted, are the classes in the same way. Otherwise (numbers, some not integers)
 * the label is a float target and {@link #numClasses()} is 0.
 *
 * <p>Format: comma-separated; cells may be quoted with {@code "} (a doubled {@code ""} inside quotes
 * is one quote); cells are trimmed; blank lines are skipped. Every row must have as many cells as the
 * first. Feature cells must be finite float32 numbers in decimal notation ({@link DecimalNumbers}:
 * Java-only forms such as {@code 1.2f} or {@code 0x1p3}, {@code NaN}, {@code Infinity} and values
 * that overflow float32, such as {@code 1e999}, are refused); label cells must not be empty. Errors
 * name the file, the line and the column, e.g.
 * {@code data.csv line 17, column 'age': 'abc' is not a number}.
 *
 * <p>Shapes: {@code get(i)} returns {@code {features [F] float32, label}} with the label an int32
 * scalar {@code []} for classes or a float32 {@code [1]} for float targets;
 * {@link #asTensorDataset()} holds features {@code [N, F]} and labels {@code [N]} (int32) or
 * {@code [N, 1]} (float32).
 *
 * <pre>{@code
 * CsvDataset csv = CsvDataset.read(Path.of("iris.csv"), "species", true);
 * DataLoader<Tensor[]> loader = DataLoader.builder(csv.asTensorDataset()).batchSize(16).shuffle(true).build();
 * }</pre>
 */
public final class CsvDataset implements Dataset<Tensor[]> {
    private final String[] featureNames;
    private final String[] classes;
    private final TensorDataset data;

    private CsvDataset(String[] featureNames, String[] classes, TensorDataset data) {
        this.featureNames = featureNames;
        this.classes = classes;
        this.data = data;
    }

    /**
     * Reads a CSV file.
     *
     * @param file        the file (UTF-8)
     * @param labelColumn the label column: its name when {@code header}, else its 0-based index as a
     *                    string ("0", "4"); with a header, an index that is not a column name is accepted too
     * @param header      whether the first non-blank line holds the column names
     * @return the dataset
     * @throws NoSuchFileException      when the file does not exist
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException when the path is a directory, the file is not UTF-8 text, the
     *                                  label column is unknown, named twice or the only column, a
     *                                  feature cell is not a finite number, a label cell is empty (or a
     *                                  float label not finite), a row is ragged, or there is no data row
     *                                  (naming the file, line and column)
     */
    public static CsvDataset read(Path file, String labelColumn, boolean header) throws IOException {
        return read(file, labelColumn, header, false);
    }

    /**
     * Reads a CSV file whose labels are classes, as {@link #read} does, but refuses labels that
     * would make float targets: a number label that is not written as an integer, naming its line
     * and value ({@code 1.0} is not taken for class {@code 1}: a column holding both would be
     * ambiguous).
     *
     * @param file        the file (UTF-8)
     * @param labelColumn the label column, as for {@link #read}
     * @param header      whether the first non-blank line holds the column names
     * @return the dataset, with {@link #numClasses()} at least 1
     * @throws NoSuchFileException      when the file does not exist
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException as {@link #read}, and for a number label that is not an integer,
     *                                  e.g. {@code data.csv line 4, column 'y': label '1.0' is written as a
     *                                  decimal; class labels must be integers or names}
     */
    public static CsvDataset readClasses(Path file, String labelColumn, boolean header) throws IOException {
        return read(file, labelColumn, header, true);
    }

    private static CsvDataset read(Path file, String labelColumn, boolean header, boolean classes) throws IOException {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "CSV file not found");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a directory, not a CSV file");
        }
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                rows.add(CsvLine.split(line, name, lineNo));
                lineNumbers.add(lineNo);
            }
        } catch (CharacterCodingException e) {
            String where = Utf8Position.firstMalformed(file);
            throw new IllegalArgumentException(file + ": not UTF-8 text" + (where != null ? ", malformed at " + where : "")
                    + "; is it a binary file? CSV files are read as UTF-8");
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(name + ": the file is empty");
        }
        String[] names;
        int first;
        if (header) {
            names = rows.get(0);
            first = 1;
        } else {
            names = new String[rows.get(0).length];
            for (int c = 0; c < names.length; c++) {
                names[c] = Integer.toString(c);
            }
            first = 0;
        }
        int labelIndex = labelIndex(name, names, labelColumn, header);
        if (names.length == 1) {
            throw new IllegalArgumentException(name + ": no feature columns besides the label column "
                    + (header ? "'" + names[0] + "'" : "0"));
        }
        int n = rows.size() - first;
        if (n == 0) {
            throw new IllegalArgumentException(name + ": no data rows" + (header ? " after the header" : ""));
        }
        int cols = names.length;
        int nf = cols - 1;
        if ((long) n * nf > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + n + " rows of " + nf + " features are more than "
                    + Integer.MAX_VALUE + " values, the most one tensor holds");
        }
        float[] x = new float[n * nf];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            String[] row = rows.get(first + i);
            int lineNo = lineNumbers.get(first + i);
            if (row.length != cols) {
                throw new IllegalArgumentException(name + " line " + lineNo + ": " + row.length + " cells, expected "
                        + cols + " (as in " + (header ? "the header" : "the first row") + ")");
            }
            int f = 0;
            for (int c = 0; c < cols; c++) {
                if (c == labelIndex) {
                    if (row[c].isEmpty()) {
                        throw new IllegalArgumentException(name + " line " + lineNo + ": the label cell (column "
                                + (header ? "'" + names[c] + "'" : Integer.toString(c)) + ") is empty");
                    }
                    labels[i] = row[c];
                    continue;
                }
                x[i * nf + f++] = parse(row[c], name, lineNo, header ? "'" + names[c] + "'" : Integer.toString(c));
            }
        }
        String[] featureNames = new String[nf];
        for (int c = 0, f = 0; c < cols; c++) {
            if (c != labelIndex) {
                featureNames[f++] = names[c];
            }
        }
        CsvLabels parsed = CsvLabels.parse(labels);
        String labelName = header ? "'" + names[labelIndex] + "'" : Integer.toString(labelIndex);
        if (classes && parsed.values() != null) {
            for (int i = 0; i < n; i++) {
                if (!DecimalNumbers.isInteger(labels[i])) {
                    float v = parsed.values()[i];
                    throw new IllegalArgumentException(name + " line " + lineNumbers.get(first + i) + ", column "
                            + labelName + ": label '" + labels[i] + "' is "
                            + (v == Math.rint(v) && Float.isFinite(v) ? "written as a decimal" : "not an integer")
                            + "; class labels must be integers or names");
                }
            }
        }
        if (parsed.values() != null) {
            for (int i = 0; i < n; i++) {
                if (!Float.isFinite(parsed.values()[i])) {
                    throw new IllegalArgumentException(name + " line " + lineNumbers.get(first + i) + ", column "
                            + labelName + ": label '" + labels[i] + "' is not a finite float32 number");
                }
            }
        }
        HostArray features = new HostArray(x, new int[] {n, nf});
        HostArray target = parsed.classes() != null ? new HostArray(parsed.indices(), new int[] {n})
                : new HostArray(parsed.values(), new int[] {n, 1});
        return new CsvDataset(featureNames, parsed.classes(), TensorDataset.ofHost(features, target));
    }

    /**
     * Whether the first non-blank line of a CSV file looks like a data row rather than column names:
     * every cell is a number. {@link #read} with {@code header = true} takes that line for the
     * header all the same (a column may be named "2019"), so a caller may want to warn.
     *
     * @param file the CSV file (UTF-8)
     * @return true when every cell of the first non-blank line is a number
     * @throws IOException when the file cannot be read
     */
    public static boolean headerLooksLikeData(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (!line.isBlank()) {
                    for (String cell : CsvLine.split(line, file.toString(), 1)) {
                        if (!DecimalNumbers.isNumber(cell)) {
                            return false;
                        }
                    }
                    return true;
                }
            }
            return false;
        }
    }

    private static int labelIndex(String file, String[] names, String labelColumn, boolean header) {
        if (header) {
            List<Integer> named = new ArrayList<>();
            for (int c = 0; c < names.length; c++) {
                if (names[c].equals(labelColumn)) {
                    named.add(c + 1);
                }
            }
            if (named.size() > 1) {
                String last = named.remove(named.size() - 1).toString();
                throw new IllegalArgumentException(file + ": the label column '" + labelColumn + "' is ambiguous: columns "
                        + String.join(", ", named.stream().map(String::valueOf).toList()) + " and " + last
                        + " (counting from 1) are named '" + labelColumn + "'; rename one of them");
            }
            if (named.size() == 1) {
                return named.get(0) - 1;
            }
        }
        try {
            int c = Integer.parseInt(labelColumn.trim());
            if (c >= 0 && c < names.length) {
                return c;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException(file + ": no label column '" + labelColumn + "'; "
                + (header ? "the columns are " + String.join(", ", names)
                        : "without a header give its index, 0 to " + (names.length - 1)));
    }

    private static float parse(String cell, String file, int line, String column) {
        float v;
        try {
            v = DecimalNumbers.parseFloat(cell);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + " line " + line + ", column " + column + ": " + e.getMessage());
        }
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(file + " line " + line + ", column " + column + ": '" + cell
                    + "' is not a finite float32 number" + (Float.isNaN(v) ? "" : " (|value| > 3.4e38 overflows)"));
        }
        return v;
    }

    /**
     * The number of feature columns.
     *
     * @return columns minus the label column
     */
    public int numFeatures() {
        return featureNames.length;
    }

    /**
     * The names of the feature columns (their indices as strings without a header).
     *
     * @return a copy, in file order
     */
    public String[] featureNames() {
        return featureNames.clone();
    }

    /**
     * The number of classes.
     *
     * @return {@code classes().length}, or 0 when labels are float targets
     */
    public int numClasses() {
        return classes == null ? 0 : classes.length;
    }

    /**
     * The label values of the classes, index = class id.
     *
     * @return a copy, or an empty array when labels are float targets
     */
    public String[] classes() {
        return classes == null ? new String[0] : classes.clone();
    }

    /**
     * All rows as one dataset (shared, not copied: the fast path of {@link DataLoader}).
     *
     * @return features float32 {@code [N, F]}, labels int32 {@code [N]} or float32 {@code [N, 1]}
     */
    public TensorDataset asTensorDataset() {
        return data;
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public Tensor[] get(int index) {
        return data.get(index);
    }
}
