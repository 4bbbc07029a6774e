package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.elasticsearch.internal.DocumentCopier;
import io.upgradesdk.upgrade.elasticsearch.internal.EsClient;
import io.upgradesdk.upgrade.spi.LeaseRules;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.elasticsearch.client.RestClient;

/**
 * A {@link CheckpointStore} keeping each plan's checkpoint and lease in one document of an index
 * on an Elasticsearch 7.x/8.x cluster (document id = plan id; the index is created on first use with
 * one shard and {@code dynamic: false}, so nothing of the checkpoint is indexed).
 *
 * <p>Every change is a compare-and-set: the document is read (real-time GET) and written back with
 * {@code if_seq_no}/{@code if_primary_term} (or {@code op_type=create}); a conflict re-reads and
 * re-applies the lease rules, so concurrent hosts cannot both win. The fencing token only grows
 * (the last issued token stays in the document after a release).
 *
 * <p><b>Lease expiry follows this store's {@link Clock}</b> (the host's clock by default): hosts
 * sharing a store must keep their clocks synchronised (NTP); choose lease durations well above the
 * expected clock skew.
 *
 * <pre>{@code
 * CheckpointStore store = ElasticsearchCheckpointStore.builder(ElasticsearchEndpoint.of("http://es:9200"))
 *     .index("upgrade-checkpoints").build();
 * // or through a client the host configured (RestClient, or an elasticsearch-java ElasticsearchClient)
 * CheckpointStore store = ElasticsearchCheckpointStore.builder(restClient, "checkpoints-cluster").build();
 * }</pre>
 *
 * <p>{@link #close()} closes the connection the store opened from an endpoint; a client the host
 * handed in stays open, the host closes it.
 */
public final class ElasticsearchCheckpointStore implements CheckpointStore {

    private final EsClient client;
    private final String index;
    private final Clock clock;
    private volatile boolean indexReady;

    private ElasticsearchCheckpointStore(Builder b) {
        this.client = b.client.get();
        this.index = b.index;
        this.clock = b.clock;
    }

    /** A builder for a store on {@code endpoint}; the store opens its connection and closes it. */
    public static Builder builder(ElasticsearchEndpoint endpoint) {
        requireNonNull(endpoint, "endpoint");
        return new Builder(() -> EsClient.connect(endpoint));
    }

    /**
     * A builder for a store reached through the host's low-level client, used as configured and
     * never closed by the store. {@code name} stands for the cluster in messages (no credentials).
     */
    public static Builder builder(RestClient client, String name) {
        EsClient borrowed = EsClient.borrowing(client, name);
        return new Builder(() -> borrowed);
    }

    /**
     * A builder for a store reached through the host's elasticsearch-java client (on a
     * {@code RestClientTransport}), never closed by the store. {@code name} stands for the cluster
     * in messages (no credentials).
     */
    public static Builder builder(ElasticsearchClient client, String name) {
        EsClient borrowed = EsClient.borrowing(client, name);
        return new Builder(() -> borrowed);
    }

    /** The index holding the documents. */
    public String index() {
        return index;
    }

    @Override
    public Optional<Checkpoint> load(String planId) {
        return read(planId).flatMap(d -> {
            String json = d.source.path("checkpoint").asText(null);
            return json == null ? Optional.empty()
                    : Optional.of(Checkpoint.fromJson(json, "document " + planId + " of index " + index + " on " + client.name()));
        });
    }

    @Override
    public void save(Checkpoint checkpoint, Lease lease) {
        requireNonNull(checkpoint, "checkpoint");
        requireNonNull(lease, "lease");
        String json = checkpoint.toJson();
        update(checkpoint.planId(), doc -> {
            LeaseRules.checkWritable(leaseOf(checkpoint.planId(), doc), lease, clock.instant());
            ObjectNode next = doc.deepCopy();
            next.put("checkpoint", json);
            return next;
        });
    }

    @Override
    public Lease acquireLease(String planId, String owner, Duration duration) {
        requireNonNull(owner, "owner");
        LeaseRules.checkDuration(duration);
        Lease[] out = new Lease[1];
        update(planId, doc -> {
            Lease l = LeaseRules.acquire(leaseOf(planId, doc), doc.path("lastToken").asLong(0), planId, owner, duration,
                    clock.instant());
            out[0] = l;
            ObjectNode next = withLease(doc, l);
            next.put("lastToken", l.token());
            return next;
        });
        return out[0];
    }

    @Override
    public Lease renewLease(Lease lease, Duration duration) {
        requireNonNull(lease, "lease");
        Lease[] out = new Lease[1];
        update(lease.planId(), doc -> {
            Lease l = LeaseRules.renew(leaseOf(lease.planId(), doc), lease, duration, clock.instant());
            out[0] = l;
            return withLease(doc, l);
        });
        return out[0];
    }

    @Override
    public void releaseLease(Lease lease) {
        requireNonNull(lease, "lease");
        update(lease.planId(), doc -> {
            Lease current = leaseOf(lease.planId(), doc);
            if (current == null || !current.sameAcquisition(lease)) {
                return null;
            }
            ObjectNode next = doc.deepCopy();
            next.remove("lease");
            return next;
        });
    }

    @Override
    public Optional<Lease> currentLease(String planId) {
        return read(planId).map(d -> leaseOf(planId, d.source));
    }

    @Override
    public void forceReleaseLease(String planId) {
        update(planId, doc -> {
            if (!doc.has("lease")) {
                return null;
            }
            ObjectNode next = doc.deepCopy();
            next.remove("lease");
            return next;
        });
    }

    /** Closes the connection the store opened; a client the host handed in stays open. */
    @Override
    public void close() {
        client.close();
    }

    // ---------------------------------------------------------------------------------------------

    private record Doc(ObjectNode source, long seqNo, long primaryTerm) {
    }

    private static Lease leaseOf(String planId, JsonNode doc) {
        JsonNode l = doc.path("lease");
        if (!l.isObject()) {
            return null;
        }
        return new Lease(planId, l.path("owner").asText(), l.path("token").asLong(),
                Instant.ofEpochMilli(l.path("expiresAt").asLong()));
    }

    private static ObjectNode withLease(ObjectNode doc, Lease l) {
        ObjectNode next = doc.deepCopy();
        next.putObject("lease").put("owner", l.owner()).put("token", l.token())
                .put("expiresAt", l.expiresAt().toEpochMilli());
        return next;
    }

    private String docPath(String planId) {
        return "/" + DocumentCopier.enc(index) + "/_doc/" + DocumentCopier.enc(planId);
    }

    private Optional<Doc> read(String planId) {
        requireNonNull(planId, "planId");
        ensureIndex();
        try {
            EsClient.EsResponse r = client.exchange("GET", docPath(planId), null);
            if (r.status() == 404) {
                return Optional.empty();
            }
            if (r.status() != 200) {
                throw client.failure("GET", docPath(planId), r.status(), r.body());
            }
            JsonNode source = r.body().path("_source");
            if (!source.isObject()) {
                throw new UpgradeException(ElasticsearchErrorCode.STORE_CORRUPTED, "document " + planId + " of index "
                        + index + " has no object source; delete it if the plan is not running");
            }
            return Optional.of(new Doc((ObjectNode) source, r.body().path("_seq_no").asLong(),
                    r.body().path("_primary_term").asLong()));
        } catch (UpgradeException e) {
            throw unavailable(e);
        }
    }

    /**
     * Compare-and-set loop: applies {@code change} to the current document (an empty one when
     * absent) and writes the result conditionally; null from {@code change} means "nothing to write".
     */
    private void update(String planId, UnaryOperator<ObjectNode> change) {
        for (int attempt = 0; attempt < 50; attempt++) {
            Optional<Doc> current = read(planId);
            ObjectNode base = current.map(Doc::source).orElseGet(() -> EsClient.json().createObjectNode().put("plan", planId));
            ObjectNode next = change.apply(base);
            if (next == null) {
                return;
            }
            String path = current.isPresent()
                    ? docPath(planId) + "?if_seq_no=" + current.get().seqNo() + "&if_primary_term=" + current.get().primaryTerm()
                    : docPath(planId) + "?op_type=create";
            try {
                EsClient.EsResponse r = client.exchange("PUT", path, next);
                if (r.status() == 409) {
                    continue; // someone else wrote in between: re-read and re-apply the rules
                }
                if (r.status() / 100 != 2) {
                    throw client.failure("PUT", path, r.status(), r.body());
                }
                return;
            } catch (UpgradeException e) {
                throw unavailable(e);
            }
        }
        throw new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "too many concurrent writes to the checkpoint of "
                + "plan '" + planId + "' in index " + index + "; retry");
    }

    private UpgradeException unavailable(UpgradeException e) {
        if (e.code() == ElasticsearchErrorCode.UNREACHABLE || e.code() == ElasticsearchErrorCode.UNAVAILABLE) {
            return new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "the checkpoint store (index " + index
                    + " on " + client.name() + ") is unavailable: " + e.getMessage(), e);
        }
        return e;
    }

    private void ensureIndex() {
        if (indexReady) {
            return;
        }
        try {
            if (!client.exists("/" + DocumentCopier.enc(index))) {
                EsClient.EsResponse r = client.exchange("PUT", "/" + DocumentCopier.enc(index),
                        "{\"settings\":{\"number_of_shards\":1,\"auto_expand_replicas\":\"0-1\"},"
                                + "\"mappings\":{\"dynamic\":false,\"properties\":{\"plan\":{\"type\":\"keyword\"}}}}");
                if (r.status() / 100 != 2 && !r.body().toString().contains("resource_already_exists_exception")) {
                    throw client.failure("PUT", "/" + index, r.status(), r.body());
                }
            }
            indexReady = true;
        } catch (UpgradeException e) {
            throw unavailable(e);
        }
    }

    /** Builder of {@link ElasticsearchCheckpointStore}. */
    public static final class Builder {
        private final Supplier<EsClient> client;
        private String index = "upgrade-checkpoints";
        private Clock clock = Clock.systemUTC();

        private Builder(Supplier<EsClient> client) {
            this.client = client;
        }

        /** The index name (default {@code upgrade-checkpoints}). */
        public Builder index(String name) {
            if (name == null || !name.matches("[a-z0-9][a-z0-9._-]*")) {
                throw new UpgradeException(ElasticsearchErrorCode.INVALID_CONFIGURATION, "index name '" + name
                        + "' must be lower case letters, digits, '.', '_' or '-' and not start with one of '._-'");
            }
            this.index = name;
            return this;
        }

        /** The clock lease expiry follows (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public ElasticsearchCheckpointStore build() {
            return new ElasticsearchCheckpointStore(this);
        }
    }
}
