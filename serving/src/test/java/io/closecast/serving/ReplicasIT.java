package io.closecast.serving;

import io.closecast.model.DebianPackages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two service processes ({@code bin/closecast-serve}, each with its own model cache, as two pods would be) behind one
 * HAProxy from Debian running the committed {@code deploy/haproxy/haproxy.cfg}, a real MLflow registry and a real
 * (tiny) LSTM: a promotion while client threads keep posting forecasts through the proxy moves both replicas to the
 * new version, and not one request fails; a replica killed under that load costs no request either (the proxy's
 * retries and health check) and comes back into rotation once restarted.
 */
class ReplicasIT extends RegistryTestBase {

    private static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    private static final String KEY = "replicas-it-key";
    private static final int CLIENTS = 4;

    /** HAProxy from Debian, and the replicas' API key file beside the trained model ({@link RegistryTestBase}). */
    @BeforeAll
    static void haproxyAndKey() {
        DebianPackages.ensure("the replicas test (ReplicasIT)", List.of(HAPROXY), "haproxy");
        try {
            Files.writeString(work.resolve("api-keys"), "# one key a line\n" + KEY + "\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One answer seen by a client: when its request started, which replica and version answered. */
    private record Answer(long startedNanos, String replica, String version) {
    }

    @Test
    void aPromotionDuringLoadMovesBothReplicasToTheNewVersionWithoutAFailedRequest() throws Exception {
        String model = RegistryFixture.unique("closecast-replicas");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        client.registry().setAlias(model, "production", v1.number());
        RegistryFixture.Registered v2 = fixture.register(client, model, false);
        double[] window = fixture.lastCloses(RegistryFixture.WINDOW);
        double expected = v1.load().forecast(window, 1)[0];

        int port1 = freePort();
        int port2 = freePort();
        int proxyPort = freePort();
        List<Process> processes = new ArrayList<>();
        try {
            startBehindProxy(model, port1, port2, proxyPort, window, processes);
            TestClient direct1 = new TestClient(port1);
            TestClient direct2 = new TestClient(port2);

            Load load = Load.start(proxyPort, window, expected);
            Thread.sleep(2_000);
            long promoted = System.nanoTime();
            client.registry().setAlias(model, "production", v2.number()); // the promotion: the alias moves, nothing else is told
            awaitOrLogs("both replicas serving version 2", Duration.ofSeconds(60),
                    () -> servedVersion(direct1).equals("2") && servedVersion(direct2).equals("2"));
            long bothMoved = System.nanoTime();
            Thread.sleep(2_000);
            load.stop();

            System.out.printf("ReplicasIT (promotion): %d answers through the proxy (%s), both replicas on version 2 %d ms"
                    + " after the promotion%n", load.ok.get(), load.countByReplica(), Duration.ofNanos(bothMoved - promoted).toMillis());
            load.assertNoFailure();
            assertTrue(load.ok.get() > 200, "expected a steady load through the proxy, found only " + load.ok.get() + " answers");
            assertEquals(Map.of("replica1", Set.of("1"), "replica2", Set.of("1")), load.versionsByReplica(Long.MIN_VALUE, promoted),
                    "requests started before the promotion: both replicas answer, with version 1");
            assertEquals(Map.of("replica1", Set.of("2"), "replica2", Set.of("2")), load.versionsByReplica(bothMoved, Long.MAX_VALUE),
                    "requests started once both replicas report version 2: both answer, with version 2 only");
            assertTrue(Duration.ofNanos(bothMoved - promoted).compareTo(Duration.ofSeconds(30)) < 0,
                    "both replicas moved " + Duration.ofNanos(bothMoved - promoted) + " after the promotion");
        } finally {
            for (Process p : processes.reversed()) {
                stop(p);
            }
        }
    }

    /** What deploy/haproxy/haproxy.cfg promises beyond spreading: a replica killed under load costs no request. */
    @Test
    void aReplicaKilledUnderLoadCostsNoRequestAndComesBackIntoRotation() throws Exception {
        String model = RegistryFixture.unique("closecast-replicas-kill");
        client.registry().createRegisteredModel(model);
        RegistryFixture.Registered v1 = fixture.register(client, model, false);
        client.registry().setAlias(model, "production", v1.number());
        double[] window = fixture.lastCloses(RegistryFixture.WINDOW);
        double expected = v1.load().forecast(window, 1)[0];

        int port1 = freePort();
        int port2 = freePort();
        int proxyPort = freePort();
        List<Process> processes = new ArrayList<>();
        try {
            startBehindProxy(model, port1, port2, proxyPort, window, processes);

            Load load = Load.start(proxyPort, window, expected);
            Thread.sleep(1_500);
            long killed = System.nanoTime();
            processes.getFirst().destroyForcibly().waitFor(); // SIGKILL: in-flight requests get a reset, no answer
            Thread.sleep(4_000); // HAProxy's check takes it out after 2 failures, 1 s apart; retries cover the gap
            long restarted = System.nanoTime();
            processes.set(0, replica("replica1", port1, model));
            awaitOrLogs("replica1 answering through the proxy again", Duration.ofSeconds(120),
                    () -> load.versionsByReplica(restarted, Long.MAX_VALUE).containsKey("replica1"));
            Thread.sleep(1_000);
            load.stop();

            System.out.printf("ReplicasIT (kill): %d answers through the proxy (%s)%n", load.ok.get(), load.countByReplica());
            load.assertNoFailure();
            assertEquals(Set.of("replica1", "replica2"), load.versionsByReplica(Long.MIN_VALUE, killed).keySet(),
                    "before the kill both replicas answer");
            long down = killed + Duration.ofSeconds(3).toNanos();
            assertEquals(Set.of("replica2"), load.versionsByReplica(down, restarted).keySet(),
                    "while replica1 is down, only replica2 answers (retried requests included)");
            assertTrue(load.versionsByReplica(down, restarted).containsKey("replica2"), "replica2 keeps answering alone");
        } finally {
            for (Process p : processes.reversed()) {
                stop(p);
            }
        }
    }

    /** Client threads posting the same forecast through the proxy until stopped, checking every answer. */
    private static final class Load {
        final AtomicBoolean run = new AtomicBoolean(true);
        final AtomicLong ok = new AtomicLong();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        final List<Thread> clients = new ArrayList<>();

        static Load start(int proxyPort, double[] window, double expected) {
            Load load = new Load();
            String body = TestClient.predictBody(window, 1);
            for (int t = 0; t < CLIENTS; t++) {
                TestClient http = new TestClient(proxyPort);
                load.clients.add(Thread.ofPlatform().name("replicas-it-client-" + t).start(() -> load.loop(http, body, expected)));
            }
            return load;
        }

        private void loop(TestClient http, String body, double expected) {
            while (run.get()) {
                long started = System.nanoTime();
                HttpResponse<String> res;
                try {
                    res = predict(http, body);
                } catch (RuntimeException e) {
                    failures.add("no answer: " + e);
                    continue;
                }
                if (res.statusCode() != 200) {
                    failures.add(res.statusCode() + " " + res.body());
                    continue;
                }
                String version = res.headers().firstValue("X-Model-Version").orElse("?");
                JsonNode json = TestClient.json(res);
                double served = json.get("predictions").get(0).asDouble();
                if (!version.equals(json.at("/model/version").asText()) || Math.abs(served - expected) > 1e-9) {
                    failures.add("inconsistent answer (expected " + expected + " from version " + version + "): " + res.body());
                }
                answers.add(new Answer(started, res.headers().firstValue("X-Closecast-Replica").orElse("?"), version));
                ok.incrementAndGet();
            }
        }

        void stop() throws InterruptedException {
            run.set(false);
            for (Thread t : clients) {
                t.join(30_000);
            }
        }

        void assertNoFailure() {
            assertTrue(failures.isEmpty(), "expected no failed request through the proxy, found " + failures.size() + ": "
                    + failures.stream().limit(5).toList() + "\n" + logs());
        }

        /** Replica -> versions it answered with, for requests started in [from, to). */
        Map<String, Set<String>> versionsByReplica(long from, long to) {
            return answers.stream().filter(a -> a.startedNanos() >= from && a.startedNanos() < to)
                    .collect(Collectors.groupingBy(Answer::replica, Collectors.mapping(Answer::version, Collectors.toSet())));
        }

        Map<String, Long> countByReplica() {
            return answers.stream().collect(Collectors.groupingBy(Answer::replica, Collectors.counting()));
        }
    }

    /**
     * Starts two replicas of {@code model} on {@code port1} and {@code port2}, waits until both serve version 1, then
     * HAProxy on {@code proxyPort} in front of them, until both answer through it; every process goes to
     * {@code processes} (for the caller to stop).
     */
    private static void startBehindProxy(String model, int port1, int port2, int proxyPort, double[] window,
                                         List<Process> processes) throws IOException, InterruptedException {
        processes.add(replica("replica1", port1, model));
        processes.add(replica("replica2", port2, model));
        TestClient direct1 = new TestClient(port1);
        TestClient direct2 = new TestClient(port2);
        awaitOrLogs("both replicas ready with version 1", Duration.ofSeconds(120),
                () -> servedVersion(direct1).equals("1") && servedVersion(direct2).equals("1"));
        processes.add(haproxy(proxyPort, port1, port2));
        awaitBothThroughProxy(proxyPort, window);
    }

    private static void awaitBothThroughProxy(int proxyPort, double[] window) throws IOException {
        TestClient proxy = new TestClient(proxyPort);
        String body = TestClient.predictBody(window, 1);
        Set<String> warm = ConcurrentHashMap.newKeySet();
        awaitOrLogs("both replicas answering through HAProxy", Duration.ofSeconds(30), () -> {
            try {
                HttpResponse<String> res = predict(proxy, body);
                if (res.statusCode() == 200) {
                    warm.add(res.headers().firstValue("X-Closecast-Replica").orElse("?"));
                }
            } catch (RuntimeException notListeningYet) {
                // haproxy is still starting
            }
            return warm.containsAll(Set.of("replica1", "replica2"));
        });
    }

    private static HttpResponse<String> predict(TestClient http, String body) {
        return http.post("/v1/predict", "application/json", body, "X-API-Key", KEY);
    }

    /** The version a replica reports on GET /v1/model, or "" while it has none or does not answer. */
    private static String servedVersion(TestClient replica) {
        try {
            HttpResponse<String> res = replica.get("/v1/model", "X-API-Key", KEY);
            return res.statusCode() == 200 ? TestClient.json(res).get("version").asText() : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** {@code bin/closecast-serve} with configs/serving.yaml (bound to 127.0.0.1) and the environment a pod gets. */
    private static Process replica(String name, int port, String model) throws IOException {
        Path root = RegistryFixture.root();
        Path target = root.resolve("serving/target");
        assertTrue(Files.isDirectory(target.resolve("lib")) && Files.isRegularFile(target.resolve("lib.classpath")),
                "expected " + target + "/lib and lib.classpath from the package phase (run the ITs through the build:"
                        + " ./mvnw -B verify -pl serving -am), found them missing");
        String yaml = Files.readString(root.resolve("configs/serving.yaml"));
        String host = "  host: 0.0.0.0 ";
        assertEquals(1, yaml.split(host, -1).length - 1, "expected one '" + host.strip() + "' in configs/serving.yaml");
        Path config = work.resolve(name + ".yaml");
        String trackDir = "  dir: data/track ";
        assertEquals(1, yaml.split(trackDir, -1).length - 1, "expected one '" + trackDir.strip() + "' in configs/serving.yaml");
        // each replica its own embedded forecast log (one process per H2 file; replicas in production share a PostgreSQL)
        Files.writeString(config, yaml.replace(host, "  host: 127.0.0.1 ")
                .replace(trackDir, "  dir: " + work.resolve(name + "-track") + " "));
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin/closecast-serve").toString(), config.toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CLOSECAST_"));
        env.put("CLOSECAST_PORT", Integer.toString(port));
        env.put("CLOSECAST_TRACKING_URI", uri);
        env.put("CLOSECAST_MODEL_NAME", model);
        env.put("CLOSECAST_POLL_INTERVAL", "500ms");
        env.put("CLOSECAST_MODEL_CACHE_DIR", work.resolve(name + "-cache").toString());
        env.put("CLOSECAST_API_KEYS_FILE", work.resolve("api-keys").toString());
        env.put("CLOSECAST_SERVE_HEAP", "256m");
        env.put("CLOSECAST_SERVE_CDS", "off"); // two launchers at once must not both write target/closecast-serve.jsa
        return pb.start();
    }

    /** haproxy in the foreground with the committed configuration, after {@code haproxy -c} accepted it. */
    private static Process haproxy(int proxyPort, int port1, int port2) throws IOException, InterruptedException {
        Path cfg = RegistryFixture.root().resolve("deploy/haproxy/haproxy.cfg");
        Map<String, String> vars = Map.of("CLOSECAST_PROXY_BIND", "127.0.0.1:" + proxyPort,
                "CLOSECAST_REPLICA_1", "127.0.0.1:" + port1, "CLOSECAST_REPLICA_2", "127.0.0.1:" + port2);
        ProcessBuilder check = new ProcessBuilder(HAPROXY.toString(), "-c", "-f", cfg.toString()).redirectErrorStream(true);
        check.environment().putAll(vars);
        Process c = check.start();
        String out = new String(c.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, c.waitFor(), "haproxy -c -f " + cfg + ":\n" + out);
        ProcessBuilder pb = new ProcessBuilder(HAPROXY.toString(), "-db", "-f", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("haproxy.log").toFile());
        pb.environment().putAll(vars);
        return pb.start();
    }

    private static void awaitOrLogs(String what, Duration timeout, java.util.function.BooleanSupplier condition) throws IOException {
        try {
            TestClient.await(what, timeout, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + logs(), e);
        }
    }

    private static String logs() {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("replica1", "replica2", "haproxy")) {
            Path log = work.resolve(name + ".log");
            try {
                String text = Files.exists(log) ? Files.readString(log) : "(none)";
                if (name.equals("haproxy")) { // one line per request: the ones that did not end in a plain 200 first
                    List<String> odd = text.lines().filter(l -> !l.matches(".* 200 \\d+ - - ---- .*")).limit(30).toList();
                    sb.append("--- haproxy.log, lines other than plain 200s:\n").append(String.join("\n", odd)).append('\n');
                }
                sb.append("--- ").append(name).append(".log (tail):\n")
                        .append(text.length() > 3000 ? "..." + text.substring(text.length() - 3000) : text).append('\n');
            } catch (IOException e) {
                sb.append("--- ").append(name).append(".log: ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
