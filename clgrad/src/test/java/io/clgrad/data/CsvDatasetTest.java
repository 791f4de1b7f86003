package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.DType;
import io.clgrad.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
    @TempDir
    Path dir;

    private Path csv(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void parsesWithHeaderAndIntegerLabels() throws IOException {
        Path f = csv("data.csv", "age,label,height\n30,1,1.8\n\n  41 , 0 , 1.65\n\"25\",2,1.7\n");
        CsvDataset d = CsvDataset.read(f, "label", true);
        assertEquals(3, d.size());
        assertEquals(2, d.numFeatures());
        assertArrayEquals(new String[] {"age", "height"}, d.featureNames());
        assertEquals(3, d.numClasses());
        assertArrayEquals(new String[] {"0", "1", "2"}, d.classes());
        Tensor[] all = d.asTensorDataset().tensors();
        assertArrayEquals(new int[] {3, 2}, all[0].shape());
        assertArrayEquals(new float[] {30, 1.8f, 41, 1.65f, 25, 1.7f}, all[0].toFloatArray());
        assertEquals(DType.INT32, all[1].dtype());
        assertArrayEquals(new int[] {1, 0, 2}, all[1].toIntArray());
        assertEquals(0, d.get(1)[1].toIntArray()[0]);
    }

    @Test
    void withoutHeaderTheLabelIsAnIndexAndFloatLabelsStayFloat() throws IOException {
        Path f = csv("reg.csv", "1,2,0.5\n3,4,1.25\n");
        CsvDataset d = CsvDataset.read(f, "2", false);
        assertEquals(0, d.numClasses());
        assertEquals(2, d.numFeatures());
        Tensor[] all = d.asTensorDataset().tensors();
        assertEquals(DType.FLOAT32, all[1].dtype());
        assertArrayEquals(new int[] {2, 1}, all[1].shape());
        assertArrayEquals(new float[] {0.5f, 1.25f}, all[1].toFloatArray());
        CsvDataset first = CsvDataset.read(f, "0", false);
        assertArrayEquals(new float[] {2, 0.5f, 4, 1.25f}, first.asTensorDataset().tensors()[0].toFloatArray());
        assertEquals(2, first.numClasses());
    }

    @Test
    void stringLabelsBecomeSortedClasses() throws IOException {
        Path f = csv("iris.csv", "a,species\n1,virginica\n2,\"setosa, \"\"s\"\"\"\n3,virginica\n");
        CsvDataset d = CsvDataset.read(f, "species", true);
        assertArrayEquals(new String[] {"setosa, \"s\"", "virginica"}, d.classes());
        assertArrayEquals(new int[] {1, 0, 1}, d.asTensorDataset().tensors()[1].toIntArray());
    }

    @Test
    void nonNumericCellNamesLineAndColumn() throws IOException {
        StringBuilder sb = new StringBuilder("age,label\n");
        for (int i = 2; i < 17; i++) {
            sb.append(i).append(",0\n");
        }
        sb.append("abc,1\n");                                  // line 17
        Path f = csv("data.csv", sb.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(f, "label", true));
        assertEquals("data.csv line 17, column 'age': 'abc' is not a number", e.getMessage());
        Path g = csv("nohead.csv", "1,2\n3,x\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(g, "0", false));
        assertEquals("nohead.csv line 2, column 1: 'x' is not a number", e.getMessage());
    }

    @Test
    void raggedRowIsNamed() throws IOException {
        Path f = csv("ragged.csv", "a,b,label\n1,2,0\n3,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(f, "label", true));
        assertEquals("ragged.csv line 3: 2 cells, expected 3 (as in the header)", e.getMessage());
    }

    @Test
    void unknownLabelColumnListsColumns() throws IOException {
        Path f = csv("d.csv", "a,b\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(f, "y", true));
        assertTrue(e.getMessage().contains("no label column 'y'") && e.getMessage().contains("a, b"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> CsvDataset.read(dir.resolve("none.csv"), "y", true));
        Path empty = csv("e.csv", "a,b\n");
        assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(empty, "a", true));
    }
    /** Regression (issue 9, item 8): 1e999 became +Infinity, NaN and Infinity were accepted. */
    @Test
    void nonFiniteFeatureCellsAreRefusedWithLineAndColumn() throws IOException {
        for (String bad : new String[] {"1e999", "-1e39", "NaN", "Infinity"}) {
            Path f = csv("inf.csv", "a,b,label\n1,2,0\n3," + bad + ",1\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CsvDataset.read(f, "label", true));
            assertEquals("inf.csv line 3, column 'b': '" + bad + "' is not a finite float32 number"
                    + (bad.equals("NaN") ? "" : " (|value| > 3.4e38 overflows)"), e.getMessage());
        }
    }

    /** Regression (issue 9, item 8): an empty label cell became a class "". */
    @Test
    void emptyLabelCellIsRefusedWithLine() throws IOException {
        Path f = csv("empty.csv", "a,b,label\n1,2,0\n3,4,\n5,6,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvDataset.read(f, "label", true));
        assertEquals("empty.csv line 3: the label cell (column 'label') is empty", e.getMessage());
        Path quoted = csv("quoted.csv", "1,2,\"\"\n3,4,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(quoted, "2", false));
        assertEquals("quoted.csv line 1: the label cell (column 2) is empty", e.getMessage());
    }

    @Test
    void nonFiniteFloatLabelIsRefused() throws IOException {
        Path f = csv("reg.csv", "x,y\n1,0.5\n2,1e999\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(f, "y", true));
        assertEquals("reg.csv line 3, column 'y': label '1e999' is not a finite float32 number", e.getMessage());
    }

    /** Regression (issue 9, item 9): a binary file said only "Input length = 1". */
    @Test
    void binaryFileIsNamedNotUtf8WithLineAndByte() throws IOException {
        byte[] head = "a,b,label\n1,2,0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 3);
        bytes[head.length] = '3';
        bytes[head.length + 1] = (byte) 0xff;
        bytes[head.length + 2] = '\n';
        Path f = Files.write(dir.resolve("bin.csv"), bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvDataset.read(f, "label", true));
        assertEquals(f + ": not UTF-8 text, malformed at line 3, byte offset " + (head.length + 1)
                + " (0xff); is it a binary file? CSV files are read as UTF-8", e.getMessage());
    }

    /** Regression (issue 9, item 9): a directory said "Is a directory" without its path. */
    @Test
    void directoryIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvDataset.read(dir, "label", true));
        assertEquals(dir + " is a directory, not a CSV file", e.getMessage());
    }

    /** A file whose only column is the label gave a model of 0 inputs ({@code Linear(0, 10)}). */
    @Test
    void labelOnlyFileIsRefused() throws IOException {
        Path f = csv("only.csv", "cls\n0\n1\n0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(f, "cls", true));
        assertEquals("only.csv: no feature columns besides the label column 'cls'", e.getMessage());
        Path g = csv("only2.csv", "0\n1\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(g, "0", false));
        assertEquals("only2.csv: no feature columns besides the label column 0", e.getMessage());
    }

    /** A label name that appears twice in the header silently took the first such column. */
    @Test
    void duplicateLabelColumnIsRefusedNamingBothPositions() throws IOException {
        Path f = csv("dup.csv", "a,cls,b,cls\n1,0,2,1\n3,1,4,0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(f, "cls", true));
        assertEquals("dup.csv: the label column 'cls' is ambiguous: columns 2 and 4 (counting from 1) are named"
                + " 'cls'; rename one of them", e.getMessage());
        Path three = csv("dup3.csv", "cls,cls,b,cls\n1,0,2,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(three, "cls", true));
        assertEquals("dup3.csv: the label column 'cls' is ambiguous: columns 1, 2 and 4 (counting from 1) are named"
                + " 'cls'; rename one of them", e.getMessage());
        // a repeated feature name is harmless
        assertEquals(2, CsvDataset.read(csv("dupf.csv", "a,a,cls\n1,2,0\n"), "cls", true).numFeatures());
    }

    /** Java-only number forms (1.2f, 0.5d, hexadecimal) were accepted as feature values. */
    @Test
    void javaOnlyNumberFormsAreRefused() throws IOException {
        for (String bad : new String[] {"1.2f", "0.5d", "0x1p3", "2F", "1_000"}) {
            Path f = csv("java.csv", "a,label\n1,0\n" + bad + ",1\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CsvDataset.read(f, "label", true), bad);
            assertEquals("java.csv line 3, column 'a': '" + bad + "' is not "
                    + (bad.equals("1_000") ? "a number" : "a decimal number"), e.getMessage());
        }
        Path ok = csv("ok.csv", "a,label\n+1.5,0\n-.25,1\n3.,0\n1E-3,1\n");
        assertArrayEquals(new float[] {1.5f, -0.25f, 3f, 1e-3f},
                CsvDataset.read(ok, "label", true).asTensorDataset().tensors()[0].toFloatArray());
        // a label in a Java-only form is a class name, not a number
        CsvDataset d = CsvDataset.read(csv("lab.csv", "a,label\n1,1.5f\n2,2\n"), "label", true);
        assertArrayEquals(new String[] {"1.5f", "2"}, d.classes());
    }

    /** The strict number parser that CSV cells and {@code predict --input} share. */
    @Test
    void decimalNumbersAcceptPlainDecimalsOnly() {
        for (String good : new String[] {"0", "-1", "+2.5", ".5", "5.", "1e3", "1E+3", "-2.5e-3", "NaN", "Infinity",
            "-Infinity"}) {
            assertEquals(Float.parseFloat(good), DecimalNumbers.parseFloat(good), good);
        }
        for (String bad : new String[] {"", " 1", "1 ", ".", "e3", "1e", "1.2f", "0.5D", "0x10", "0x1p3", "1,5", "inf",
            "nan", "--1", "1e3.5"}) {
            assertThrows(NumberFormatException.class, () -> DecimalNumbers.parseFloat(bad), bad);
        }
    }

    /** A headerless file's first row is read as column names: the CLI warns when it looks like data. */
    @Test
    void headerThatLooksLikeDataIsDetected() throws IOException {
        assertTrue(CsvDataset.headerLooksLikeData(csv("n.csv", "\n1,2.5,0\n3,4,1\n")));
        assertTrue(!CsvDataset.headerLooksLikeData(csv("h.csv", "a,b,label\n3,4,1\n")));
        assertTrue(!CsvDataset.headerLooksLikeData(csv("m.csv", "1,b,2\n3,4,1\n")));
    }

    /** readClasses names a decimal label (labels 0, 1, 1.0 were refused as "not all integers", unnamed). */
    @Test
    void readClassesNamesTheFirstDecimalLabel() throws IOException {
        Path f = csv("dec.csv", "a,y\n1,0\n2,1\n3,1.0\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvDataset.readClasses(f, "y", true));
        assertEquals("dec.csv line 4, column 'y': label '1.0' is written as a decimal; class labels must be integers"
                + " or names", e.getMessage());
        assertEquals(0, CsvDataset.read(f, "y", true).numClasses());   // read keeps float targets
        Path g = csv("real.csv", "1,2\n2,-0.5\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.readClasses(g, "1", false));
        assertEquals("real.csv line 2, column 1: label '-0.5' is not an integer; class labels must be integers or"
                + " names", e.getMessage());
        assertArrayEquals(new String[] {"0", "1"}, CsvDataset.readClasses(csv("ok.csv", "a,y\n1,0\n2,1\n"), "y", true)
                .classes());
    }
}
