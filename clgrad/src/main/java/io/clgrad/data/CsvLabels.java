package io.clgrad.data;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The label column of a {@link CsvDataset}, decoded: integer or string classes (sorted distinct
 * values, each label replaced by its index), or float targets.
 */
record CsvLabels(String[] classes, int[] indices, float[] values) {
    static CsvLabels parse(String[] labels) {
        boolean allInts = true;
        boolean allNumbers = true;
        for (String s : labels) {
            if (!DecimalNumbers.isInteger(s)) {
                allInts = false;
                if (!DecimalNumbers.isNumber(s)) {
                    allNumbers = false;
                    break;
                }
            }
        }
        if (allNumbers && !allInts) {
            float[] v = new float[labels.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = Float.parseFloat(labels[i]);
            }
            return new CsvLabels(null, null, v);
        }
        String[] classes;
        Map<String, Integer> index = new HashMap<>();
        if (allInts) {
            TreeSet<BigInteger> distinct = new TreeSet<>();
            for (String s : labels) {
                distinct.add(new BigInteger(s.startsWith("+") ? s.substring(1) : s));
            }
            classes = distinct.stream().map(BigInteger::toString).toArray(String[]::new);
            for (int k = 0; k < classes.length; k++) {
                index.put(classes[k], k);
            }
            int[] idx = new int[labels.length];
            for (int i = 0; i < idx.length; i++) {
                String s = labels[i].startsWith("+") ? labels[i].substring(1) : labels[i];
                idx[i] = index.get(new BigInteger(s).toString());
            }
            return new CsvLabels(classes, idx, null);
        }
        classes = new TreeSet<>(Arrays.asList(labels)).toArray(new String[0]);
        for (int k = 0; k < classes.length; k++) {
            index.put(classes[k], k);
        }
        int[] idx = new int[labels.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = index.get(labels[i]);
        }
        return new CsvLabels(classes, idx, null);
    }
}
