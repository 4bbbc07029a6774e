package io.upgradesdk.upgrade.kong;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.Sleeper;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.kong.internal.KongUpgradeSteps;
import io.upgradesdk.upgrade.kong.internal.PlanDatabaseLock;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The entry point of the Kong module: builds a Kong upgrade as an {@link UpgradePlan} for the SDK's
 * runner, per Kong's documented strategies. This instance holds the runtime options (sleeper, poll
 * interval, how Admin API clients of the new nodes are made); {@link KongUpgradeSettings} says what
 * to upgrade.
 *
 * <pre>{@code
 * try (KongUpgrade kong = KongUpgrade.create()) {
 *     UpgradePlan plan = kong.upgradePlan(KongUpgradeSettings.builder("kong-3.4-to-3.9")
 *         .strategy(Strategy.BLUE_GREEN).target(KongVersion.parse("3.9.1"))
 *         .oldNode(KongAdminClient.of(oldAdminUrl)).database(db).cli(cli)
 *         .deployment(deployment).traffic(traffic).backup(backup).build());
 *     runner.up(plan).throwIfFailed();
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>in-place</b>: preflight, backup, stop old nodes, {@code migrations up}; finish phase:
 *       {@code migrations finish} (point of no return), start new nodes, wait until ready, post-checks;</li>
 *   <li><b>blue/green</b> (same database): preflight, backup, {@code migrations up}, start new nodes,
 *       wait until ready, shift traffic (compensated by shifting back); finish phase:
 *       {@code migrations finish} (point of no return), decommission old nodes, post-checks;</li>
 *   <li><b>dual-cluster</b>: preflight, backup, restore into the new database, {@code up} and
 *       {@code finish} on it, start new nodes, wait, shift traffic; finish phase: decommission the
 *       old cluster (point of no return), post-checks.</li>
 * </ul>
 * Preflight reads the running version from the old node's Admin API ({@code GET /}), applies the
 * path rules ({@link KongUpgradePaths}), and refuses a database that still has pending migrations
 * of a previous upgrade (any {@code schema_meta.pending}, loaded plugin or not). Kong's "another
 * node is performing database changes" (which exits 0) counts as not done ({@code KONG_LOCK_HELD},
 * retried), and every command is checked against the database state afterwards.
 *
 * <p>Each run holds a lock in Kong's database (a PostgreSQL advisory lock on a key derived from the
 * database and schema) from its first step to the end of the phase, whatever checkpoint store it
 * uses: a second run on the same database fails with {@code KONG_PLAN_LOCK_HELD}, naming the
 * holder, before it changes anything.
 *
 * <p>{@link #close()} closes only what this instance opened: the HTTP client its default Admin API
 * clients share. What the settings hand in (the old node's client, databases, CLI) the host closes.
 */
public final class KongUpgrade implements AutoCloseable {

    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final Function<URI, KongAdminClient> injectedAdminClients;
    private HttpClient sharedHttp;
    /** The plan locks of the plans built here, released at {@link #close()} if a run left one held. */
    private final List<PlanDatabaseLock> planLocks = new ArrayList<>();

    private KongUpgrade(Builder b) {
        this.sleeper = b.sleeper;
        this.pollInterval = b.pollInterval;
        this.injectedAdminClients = b.adminClients;
    }

    /** Real sleeps, polling every 2 s, Admin API clients over one shared {@link HttpClient}. */
    public static KongUpgrade create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The upgrade {@code settings} describe, as a plan (id {@link KongUpgradeSettings#planId()}). */
    public UpgradePlan upgradePlan(KongUpgradeSettings settings) {
        requireNonNull(settings, "settings");
        KongUpgradeSteps steps = new KongUpgradeSteps(settings, sleeper, pollInterval, this::adminClient);
        synchronized (this) {
            planLocks.add(steps.lock());
        }
        return steps.plan();
    }

    private KongAdminClient adminClient(URI node) {
        if (injectedAdminClients != null) {
            return injectedAdminClients.apply(node);
        }
        return KongAdminClient.of(node, sharedHttp(), null);
    }

    private synchronized HttpClient sharedHttp() {
        if (sharedHttp == null) {
            sharedHttp = KongAdminClient.newHttpClient();
        }
        return sharedHttp;
    }

    /**
     * Releases the shared HTTP client of the default Admin API clients, if one was opened (its
     * threads stop at once where the JDK's {@code HttpClient} can be closed, Java 21+; on older JDKs
     * they end once it is collected). Plans built by this instance open a new one on demand. Also
     * releases the plan lock in Kong's database that a run of one of its plans left held (a run
     * stopped between steps).
     */
    @Override
    public void close() {
        HttpClient http;
        List<PlanDatabaseLock> locks;
        synchronized (this) {
            http = sharedHttp;
            sharedHttp = null;
            locks = List.copyOf(planLocks);
            planLocks.clear();
        }
        locks.forEach(PlanDatabaseLock::release);
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close the Admin API HTTP client", e);
            }
        }
    }

    /** Builder of {@link KongUpgrade}: the runtime options; every one has a default. */
    public static final class Builder {
        private Sleeper sleeper = Sleeper.system();
        private Duration pollInterval = Duration.ofSeconds(2);
        private Function<URI, KongAdminClient> adminClients;

        private Builder() {
        }

        /** How the plans wait between polls (default real sleeps). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** How often new nodes are asked whether they are ready (default 2 s). */
        public Builder pollInterval(Duration poll) {
            requireNonNull(poll, "poll");
            if (poll.isNegative()) {
                throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "pollInterval must not be negative, "
                        + "was " + poll + "; use Duration.ZERO to poll without pause");
            }
            this.pollInterval = poll;
            return this;
        }

        /**
         * How Admin API clients for the new nodes' URLs are made (default {@link KongAdminClient#of(URI,
         * HttpClient, io.upgradesdk.upgrade.Secret)} over one HTTP client this instance opens and closes).
         * Clients made by a factory given here are the host's.
         */
        public Builder adminClients(Function<URI, KongAdminClient> factory) {
            this.adminClients = requireNonNull(factory, "factory");
            return this;
        }

        public KongUpgrade build() {
            return new KongUpgrade(this);
        }
    }
}
