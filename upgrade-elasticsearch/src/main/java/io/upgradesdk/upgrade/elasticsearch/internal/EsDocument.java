package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One document read from or written to an index. {@code type} is the mapping type on 5.x/6.x
 * sources (e.g. several types per index on 5.6) and null when typeless.
 */
public record EsDocument(String index, String type, String id, ObjectNode source) {

    /** The same document under another index (and type, null for typeless targets). */
    public EsDocument withTarget(String newIndex, String newType) {
        return new EsDocument(newIndex, newType, id, source);
    }
}
