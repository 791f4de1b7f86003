package io.clgrad.spark;

import org.apache.spark.Partitioner;

/**
 * A partitioner whose key is the target partition's index: shuffling rows keyed by their own
 * partition's index keeps every partition as it was (contents and order, each reducer reading one
 * map output) while giving the barrier stage a plain shuffled input. Spark refuses a barrier stage
 * over some RDD chains (a union, a coalesce: SPARK-24820); and a retried barrier stage then
 * re-reads the shuffle output instead of recomputing the source.
 */
final class SamePartition extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final int partitions;

    SamePartition(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SamePartition p && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return partitions;
    }
}
