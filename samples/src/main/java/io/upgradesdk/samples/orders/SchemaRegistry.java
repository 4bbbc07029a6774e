package io.upgradesdk.samples.orders;

import java.io.IOException;

/**
 * A remote service told which orders schema is live (HTTP in a real host). Registering the same
 * version twice is harmless. An {@link IOException} is transient: the runner retries it.
 */
public interface SchemaRegistry {

    void register(String table, int schemaVersion) throws IOException;
}
