package io.closecast.pipeline.retrain;

import io.closecast.pipeline.PipelineException;
import io.closecast.pipeline.tracking.ClosecastTags;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.closecast.mlflow.MlflowClient;
import io.closecast.mlflow.MlflowException;

/**
 * One retrain per registered model at a time: a lease in the registered model's tag
 * {@value ClosecastTags#RETRAIN_LOCK} ({@code OWNER UNTIL_EPOCH_SECONDS}). MLflow has no compare-and-set, so taking the
 * lock is: read the tag (held by another owner and not expired: not taken), write ours, wait {@code settle}, read it
 * back (still ours: taken; two writers within the settle time both read the last writer's value, so only one goes on;
 * a first write that loses MLflow's insert race to another contender's is not taken either).
 * While held, a daemon thread renews the lease every third of its length; {@link #close} frees the tag, and so does a
 * JVM shutdown hook (a retrain stopped by SIGTERM or Ctrl-C); a process killed outright leaves a lease that expires.
 */
public final class RetrainLock implements AutoCloseable {
    private final MlflowClient client;
    private final String model;
    private final String owner;
    private final Duration lease;
    private final Clock clock;
    private final ScheduledExecutorService renewer;
    private final Thread hook;
    private volatile boolean released;

    private RetrainLock(MlflowClient client, String model, String owner, Duration lease, Clock clock) {
        this.client = client;
        this.model = model;
        this.owner = owner;
        this.lease = lease;
        this.clock = clock;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "closecast-retrain-lock");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, lease.toMillis() / 3);
        renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
        this.hook = new Thread(this::release, "closecast-retrain-unlock");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Who this process is in a lock's value: host, pid and a random part (two locks in one JVM differ). */
    public static String newOwner() {
        return ManagementFactory.getRuntimeMXBean().getName().replace(' ', '_') + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Takes the lock of {@code model} for {@code owner}, or tells who holds it.
     *
     * @return the lock, held; empty when another owner holds an unexpired lease
     */
    public static Optional<RetrainLock> tryAcquire(MlflowClient client, String model, String owner, Duration lease,
                                                   Duration settle, Clock clock) {
        Objects.requireNonNull(owner, "owner");
        if (lease.isNegative() || lease.isZero()) {
            throw new PipelineException("the retrain lock's lease must be > 0, found " + lease);
        }
        if (heldByOther(client, model, owner, clock).isPresent()) {
            return Optional.empty();
        }
        try {
            write(client, model, owner, clock.instant().plus(lease));
        } catch (MlflowException e) {
            if (!concurrentInsert(e)) {
                throw e;
            }
            return Optional.empty(); // another contender created the tag in the same instant: its write landed, ours not
        }
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineException("interrupted while taking the retrain lock of " + model, e);
        }
        Optional<Holder> now = holder(client, model);
        if (now.isEmpty() || !now.get().owner().equals(owner)) {
            return Optional.empty();
        }
        return Optional.of(new RetrainLock(client, model, owner, lease, clock));
    }

    /** Who holds the lock of {@code model} now, unless it is free, expired or {@code owner}'s own. */
    public static Optional<Holder> heldByOther(MlflowClient client, String model, String owner, Clock clock) {
        return holder(client, model).filter(h -> !h.owner().equals(owner) && h.until().isAfter(clock.instant()));
    }

    /** A lock's holder and the end of its lease. */
    public record Holder(String owner, Instant until) {
    }

    static Optional<Holder> holder(MlflowClient client, String model) {
        String value = client.registry().getRegisteredModel(model).tags().getOrDefault(ClosecastTags.RETRAIN_LOCK, "").strip();
        int space = value.lastIndexOf(' ');
        if (value.isEmpty() || space < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Holder(value.substring(0, space), Instant.ofEpochSecond(Long.parseLong(value.substring(space + 1)))));
        } catch (NumberFormatException e) {
            return Optional.empty(); // not a lock closecast wrote: treated as free
        }
    }

    /**
     * MLflow sets a tag by reading, then inserting or updating: two first writes of one tag at once make the second
     * insert fail on the tag table's key (SQLite "UNIQUE constraint failed", PostgreSQL "duplicate key value"), a 400.
     */
    static boolean concurrentInsert(MlflowException e) {
        String message = String.valueOf(e.getMessage());
        return e.status() == 400 && (message.contains("UNIQUE constraint failed") || message.contains("duplicate key value")
                || message.contains("IntegrityError"));
    }

    private static void write(MlflowClient client, String model, String owner, Instant until) {
        client.registry().setRegisteredModelTag(model, ClosecastTags.RETRAIN_LOCK, owner + " " + until.getEpochSecond());
    }

    private void renew() {
        if (released) {
            return;
        }
        try {
            if (holder(client, model).filter(h -> h.owner().equals(owner)).isPresent()) {
                write(client, model, owner, clock.instant().plus(lease));
            }
        } catch (RuntimeException e) {
            // the next renewal tries again; the lease outlives two missed renewals
        }
    }

    /** Frees the tag if this owner still holds it. */
    private synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        renewer.shutdownNow();
        try {
            if (holder(client, model).filter(h -> h.owner().equals(owner)).isPresent()) {
                client.registry().setRegisteredModelTag(model, ClosecastTags.RETRAIN_LOCK, "");
            }
        } catch (RuntimeException e) {
            // the lease expires by itself
        }
    }

    @Override
    public void close() {
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran already
        }
    }
}
