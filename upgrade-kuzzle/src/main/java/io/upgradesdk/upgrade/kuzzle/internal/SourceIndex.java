package io.upgradesdk.upgrade.kuzzle.internal;

import java.util.List;

/** A v1 Elasticsearch index and its mapping types (Kuzzle collections). */
public record SourceIndex(String name, List<String> types) {
    public SourceIndex {
        types = List.copyOf(types);
    }
}
