package io.clgrad.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;

/**
 * Turns one partition's elements into the task's samples in host memory.
 *
 * @param <T> the partition's element type
 */
interface ShardReader<T> extends Serializable {
    /**
     * @param elements   the partition's elements
     * @param partition  the partition's index
     * @param partitions the number of partitions
     * @return the samples
     */
    LocalShard read(Iterator<T> elements, int partition, int partitions) throws IOException;
}
