package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.ErrorCode;

/** Error codes of the Elasticsearch module; ids are prefixed {@code ES_}. */
public enum ElasticsearchErrorCode implements ErrorCode {
    /** The cluster cannot be reached (connection refused, DNS, TLS handshake, timeout). */
    UNREACHABLE(true),
    /** TLS cannot work: the server's certificate is not trusted, or one side does not speak TLS. */
    TLS_FAILED(false),
    /** The cluster answered 401/403: credentials or privileges are wrong. */
    AUTHENTICATION(false),
    /** The cluster is busy or not ready (429, 502, 503, 504); worth retrying. */
    UNAVAILABLE(true),
    /** The cluster refused a request (4xx other than auth, or 500). */
    REQUEST_FAILED(false),
    /** Some items of a bulk request failed. */
    BULK_ITEM_FAILED(false),
    /** A pre-flight check found a blocking problem. */
    PREFLIGHT_FAILED(false),
    /** A snapshot or restore did not succeed on every shard. */
    SNAPSHOT_FAILED(false),
    /** The restored or copied data does not match the source. */
    VERIFICATION_FAILED(false),
    /** Waited too long for health, recovery, a task or a node. */
    TIMEOUT(true),
    /** The host could not stop, upgrade or start a node. */
    NODE_RESTART_FAILED(false),
    /** Invalid settings given to a builder. */
    INVALID_CONFIGURATION(false),
    /** The checkpoint index holds a document this store cannot read. */
    STORE_CORRUPTED(false);

    private final boolean transientError;

    ElasticsearchErrorCode(boolean transientError) {
        this.transientError = transientError;
    }

    @Override
    public String id() {
        return "ES_" + name();
    }

    @Override
    public boolean isTransient() {
        return transientError;
    }
}
