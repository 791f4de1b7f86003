package io.clgrad.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The function of the barrier stage ({@code rdd.barrier().mapPartitions(...)}): reads the partition,
 * opens a server socket, exchanges "host port samples" with every task through
 * {@link BarrierTaskContext#allGather(String)}, joins the ring and trains ({@link ReplicaTraining}).
 *
 * @param <T> the partition's element type
 */
final class BarrierTask<T> extends AbstractFunction1<Iterator<T>, Iterator<TaskResult>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TrainOptions cfg;
    private final HostState initial;
    private final ShardReader<T> reader;

    BarrierTask(TrainOptions cfg, HostState initial, ShardReader<T> reader) {
        this.cfg = cfg;
        this.initial = initial;
        this.reader = reader;
    }

    @Override
    public Iterator<TaskResult> apply(Iterator<T> elements) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId();
        try {
            LocalShard shard = reader.read(CollectionConverters.asJava(elements), rank, ctx.numPartitions());
            try (ServerSocket server = RingAllReduce.listen()) {
                String[] all = ctx.allGather(host(ctx, rank) + " " + server.getLocalPort() + " " + shard.size());
                List<InetSocketAddress> addresses = new ArrayList<>();
                int[] sizes = new int[all.length];
                for (int i = 0; i < all.length; i++) {
                    String[] f = all[i].split(" ");
                    addresses.add(new InetSocketAddress(f[0], Integer.parseInt(f[1])));
                    sizes[i] = Integer.parseInt(f[2]);
                }
                try (RingAllReduce ring = RingAllReduce.connect(rank, addresses, server, cfg.timeoutMs(), ctx::isInterrupted)) {
                    TaskResult r = new ReplicaTraining(cfg, initial).run(shard, rank, sizes, ring, ctx.stageAttemptNumber(),
                            ctx::isInterrupted);
                    return CollectionConverters.asScala(List.of(r).iterator());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("clgrad-spark: task " + rank + ": " + e.getMessage(), e);
        }
    }

    /** This executor's host, as Spark knows it (the task infos' "host:port"). */
    private static String host(BarrierTaskContext ctx, int rank) {
        String a = ctx.getTaskInfos()[rank].address();
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }
}
