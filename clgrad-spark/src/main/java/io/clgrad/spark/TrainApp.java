package io.clgrad.spark;

/** Skeleton: the Spark application that trains the Fashion-MNIST MLP (filled in later). */
public final class TrainApp {
    private TrainApp() {
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.out.println("clgrad-spark TrainApp");
    }
}
