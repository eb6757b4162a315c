package io.closecast.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Spark standalone cluster for the ITs, from {@code spark/cluster.sh} (pyspark's {@code bin/spark-class}): a master
 * and workers on 127.0.0.1, ports in 7200-7299 (this module's range), each process's log in a file. Workers can be
 * killed one by one, with the executors they started ({@link #killWorker}).
 */
final class SparkCluster implements AutoCloseable {
    private final Path dir;
    private final Process master;
    private final String url;
    private final List<Process> workers = new ArrayList<>();

    private SparkCluster(Path dir, Process master, String url) {
        this.dir = dir;
        this.master = master;
        this.url = url;
    }

    static Path root() {
        return Path.of(System.getProperty("closecast.root", "..")).toAbsolutePath().normalize();
    }

    /** Starts a master and {@code workers} workers of one core each, and waits until every worker registered. */
    static SparkCluster start(int workers) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(root().resolve("spark/target/it-cluster"));
        // pyspark into spark/.venv first (minutes on a clean machine), so that the processes below start at once
        Process install = process(dir.resolve("install.log"), "install");
        if (!install.waitFor(15, java.util.concurrent.TimeUnit.MINUTES) || install.exitValue() != 0) {
            install.destroyForcibly();
            throw new IllegalStateException("spark/cluster.sh install failed:\n" + Files.readString(dir.resolve("install.log")));
        }
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        int port = freePort(taken);
        int webUi = freePort(taken);
        Process master = process(dir.resolve("master.log"), "master", "--port", Integer.toString(port), "--webui-port",
                Integer.toString(webUi));
        SparkCluster cluster = new SparkCluster(dir, master, "spark://127.0.0.1:" + port);
        try {
            await(dir.resolve("master.log"), "I have been elected leader", master);
            for (int i = 1; i <= workers; i++) {
                int workerUi = freePort(taken);
                Path work = Files.createDirectories(dir.resolve("worker-" + i));
                Path log = dir.resolve("worker-" + i + ".log");
                Process worker = process(log, "worker", cluster.url, "--cores", "1", "--memory", "2g", "--webui-port",
                        Integer.toString(workerUi), "--work-dir", work.toString());
                cluster.workers.add(worker);
            }
            for (int i = 1; i <= workers; i++) {
                await(dir.resolve("worker-" + i + ".log"), "Successfully registered with master", cluster.workers.get(i - 1));
            }
            return cluster;
        } catch (IOException | RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    String url() {
        return url;
    }

    Path dir() {
        return dir;
    }

    /** Kills worker {@code i} (from 1) and every process it started (its executors) with SIGKILL. */
    void killWorker(int i) throws InterruptedException {
        kill(workers.get(i - 1));
    }

    @Override
    public void close() throws InterruptedException {
        for (Process worker : workers) {
            kill(worker);
        }
        kill(master);
    }

    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    private static Process process(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", root().resolve("spark/cluster.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    private static void await(Path log, String line, Process process) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the Spark process ended (exit " + process.exitValue() + ") before '"
                        + line + "':\n" + Files.readString(log));
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no '" + line + "' in " + log + " after 120 s:\n" + Files.readString(log));
    }

    /** A free port in 7200-7299 not in {@code taken} (then added), from a random start. */
    private static int freePort(java.util.Set<Integer> taken) throws IOException {
        int start = ThreadLocalRandom.current().nextInt(100);
        for (int i = 0; i < 100; i++) {
            int port = 7200 + (start + i) % 100;
            if (taken.contains(port)) {
                continue;
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                taken.add(port);
                return port;
            } catch (IOException inUse) {
                // next
            }
        }
        throw new IOException("no free port in 7200-7299");
    }
}
