package io.upgradesdk.upgrade.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code upgrade.*} properties. Values left unset keep the SDK's own defaults (a null here
 * means "not set"); {@link UpgradeAutoConfiguration} checks every value when it builds the runner and
 * names the offending property in its message.
 *
 * <pre>
 * upgrade.store.type=jdbc                      # memory (default), file, jdbc, redis, elasticsearch
 * upgrade.plans=create-orders-table,backfill   # run only these, in this order (default: every plan bean, in @Order)
 * upgrade.finish=true                          # run FINISH after UP at startup (default false)
 * upgrade.confirm-point-of-no-return=true      # let the point of no return run (default false)
 * upgrade.lease-duration=2m
 * upgrade.retry.max-attempts=5
 * </pre>
 *
 * @param enabled                 false turns the startup run off (the runner and the endpoint stay)
 * @param plans                   the ids of the plans to run at startup, in order; empty: every
 *                                UpgradePlan bean in @Order order
 * @param finish                  whether the startup run goes on with the FINISH phase after UP
 * @param confirmPointOfNoReturn  whether the point of no return may run without anyone asked
 * @param owner                   the name written into leases (default user@host/pid)
 * @param leaseDuration           how long a lease lasts without renewal (SDK default 60 s)
 * @param lockWait                how long to wait for a lease another host holds (default: fail fast)
 * @param logEvents               whether the runner logs its events through SLF4J
 * @param logMdc                  whether each step runs with upgrade.plan, upgrade.step (and
 *                                upgrade.partition) in the SLF4J MDC, so that the lines the step's
 *                                own code logs carry them
 * @param store                   where checkpoints and leases live
 * @param retry                   the retry policy of steps that declare none
 * @param metrics                 the Micrometer listener, when a MeterRegistry bean and
 *                                upgrade-micrometer are there
 * @param tracing                 the OpenTelemetry listener, when an OpenTelemetry bean and
 *                                upgrade-opentelemetry are there
 */
@ConfigurationProperties("upgrade")
public record UpgradeProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue List<String> plans,
        @DefaultValue("false") boolean finish,
        @DefaultValue("false") boolean confirmPointOfNoReturn,
        String owner,
        Duration leaseDuration,
        Duration lockWait,
        @DefaultValue("true") boolean logEvents,
        @DefaultValue("true") boolean logMdc,
        @DefaultValue Store store,
        @DefaultValue Retry retry,
        @DefaultValue Metrics metrics,
        @DefaultValue Tracing tracing) {

    public UpgradeProperties {
        plans = List.copyOf(plans);
    }

    /** The checkpoint store kinds this auto-configuration can build. */
    public enum StoreType {
        /** In memory: state is lost on restart; for tests and single-run hosts. */
        MEMORY,
        /** A JSON file ({@code upgrade.store.file}); one host. */
        FILE,
        /** The host's {@code DataSource} bean (needs {@code upgrade-store-jdbc}); several hosts. */
        JDBC,
        /** The host's lettuce {@code RedisClient} bean (needs {@code upgrade-store-redis}); several hosts. */
        REDIS,
        /**
         * The host's Elasticsearch {@code RestClient} or elasticsearch-java {@code ElasticsearchClient}
         * bean (needs {@code upgrade-elasticsearch}); several hosts.
         */
        ELASTICSEARCH
    }

    /**
     * {@code upgrade.store.*}: where checkpoints and leases live. A {@code CheckpointStore} bean of the
     * host's own replaces all of this.
     *
     * @param type          the kind of store
     * @param file          the checkpoint file when the type is file
     * @param jdbc          settings of the JDBC store
     * @param redis         settings of the Redis store
     * @param elasticsearch settings of the Elasticsearch store
     */
    public record Store(@DefaultValue("memory") StoreType type, Path file, @DefaultValue Jdbc jdbc,
            @DefaultValue Redis redis, @DefaultValue Elasticsearch elasticsearch) {
    }

    /**
     * {@code upgrade.store.jdbc.*}.
     *
     * @param tablePrefix  prefix of the store's two tables (SDK default upgrade_)
     * @param createTables whether the store creates its tables on first use
     * @param queryTimeout how long one statement may take before the database cancels it (whole
     *                     seconds; SDK default 30s)
     */
    public record Jdbc(String tablePrefix, @DefaultValue("true") boolean createTables, Duration queryTimeout) {
    }

    /**
     * {@code upgrade.store.redis.*}.
     *
     * @param keyPrefix prefix of every key (SDK default upgrade:)
     */
    public record Redis(String keyPrefix) {
    }

    /**
     * {@code upgrade.store.elasticsearch.*}.
     *
     * @param index the index holding the checkpoints and leases (SDK default upgrade-checkpoints)
     * @param name  the name that stands for the cluster in messages (never its address or credentials)
     */
    public record Elasticsearch(String index, @DefaultValue("elasticsearch") String name) {
    }

    /**
     * {@code upgrade.metrics.*}: the Micrometer listener defined when a {@code MeterRegistry} bean
     * and {@code upgrade-micrometer} are there.
     *
     * @param enabled false leaves the listener out
     * @param perStep whether step meters carry the step tag (false: the steps of a plan share
     *                their meters, for plans of very many steps)
     */
    public record Metrics(@DefaultValue("true") boolean enabled, @DefaultValue("true") boolean perStep) {
    }

    /**
     * {@code upgrade.tracing.*}: the OpenTelemetry listener defined when an {@code OpenTelemetry} bean
     * and {@code upgrade-opentelemetry} are there (a span per run and per step).
     *
     * @param enabled false leaves the listener out
     */
    public record Tracing(@DefaultValue("true") boolean enabled) {
    }

    /**
     * {@code upgrade.retry.*}: the runner's default retry policy; unset values keep the SDK's defaults.
     *
     * @param maxAttempts    attempts per step and run, at least 1
     * @param initialBackoff wait before the first retry
     * @param multiplier     growth of the wait per retry
     * @param maxBackoff     longest wait
     * @param jitter         random share of each wait, 0 to 1
     */
    public record Retry(Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff,
            Double jitter) {
    }
}
