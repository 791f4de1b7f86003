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
}
