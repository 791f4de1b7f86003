package io.clgrad.spark;

import java.lang.reflect.Method;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Reads features and labels out of Spark rows: a features column of {@code array<float>},
 * {@code array<double>} (any numeric element type) or Spark ML's {@code vector} (dense or sparse,
 * read through its {@code toArray()}, so this module needs no spark-mllib), and an integral label
 * column of class indices.
 */
final class RowFeatures {
    private RowFeatures() {
    }

    /** Checks that {@code data} has the column as a features column; returns its index. */
    static int featuresColumn(Dataset<Row> data, String name) {
        StructField f = field(data, name, "features");
        DataType t = f.dataType();
        boolean ok = t instanceof ArrayType a && a.elementType() instanceof NumericType
                || t instanceof UserDefinedType<?> u && u.userClass().getName().endsWith(".Vector");
        if (!ok) {
            throw new IllegalArgumentException("clgrad-spark: features column '" + name + "' is " + t.simpleString()
                    + "; expected array<float>, array<double> (any numeric array) or a Spark ML vector");
        }
        return data.schema().fieldIndex(name);
    }

    /** Checks that {@code data} has the column as an integral label column; returns its index. */
    static int labelColumn(Dataset<Row> data, String name) {
        DataType t = field(data, name, "label").dataType();
        if (!(t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType)
                || t.equals(DataTypes.ByteType) || t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType))) {
            throw new IllegalArgumentException("clgrad-spark: label column '" + name + "' is " + t.simpleString()
                    + "; expected class indices 0, 1, ... (int, long, or a whole double)");
        }
        return data.schema().fieldIndex(name);
    }

    private static StructField field(Dataset<Row> data, String name, String what) {
        if (name == null || !List.of(data.schema().fieldNames()).contains(name)) {
            throw new IllegalArgumentException("clgrad-spark: no " + what + " column '" + name + "' in "
                    + data.schema().simpleString());
        }
        return data.schema().apply(name);
    }

    /** The features at {@code index} of {@code row} as floats. */
    static float[] floats(Row row, int index) {
        Object v = row.get(index);
        if (v == null) {
            throw new IllegalArgumentException("clgrad-spark: a row has a null features value: " + row);
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            float[] out = new float[seq.size()];
            scala.collection.Iterator<?> it = seq.iterator();
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) it.next()).floatValue();
            }
            return out;
        }
        if (v instanceof List<?> list) {
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).floatValue();
            }
            return out;
        }
        try {   // org.apache.spark.ml.linalg.Vector (or mllib's): double[] toArray()
            Method m = v.getClass().getMethod("toArray");
            double[] d = (double[]) m.invoke(v);
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("clgrad-spark: cannot read features from a " + v.getClass().getName(), e);
        }
    }

    /** The class label at {@code index} of {@code row}. */
    static int label(Row row, int index) {
        Object v = row.get(index);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("clgrad-spark: a row has a missing label: " + row);
        }
        double d = n.doubleValue();
        if (d < 0 || d != Math.rint(d) || d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("clgrad-spark: label " + v + " is not a class index (0, 1, ...)");
        }
        return (int) d;
    }
}
