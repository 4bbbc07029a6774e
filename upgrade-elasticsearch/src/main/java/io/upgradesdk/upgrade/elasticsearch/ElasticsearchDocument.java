package io.upgradesdk.upgrade.elasticsearch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One document as a {@link DocumentCopy} reads it and writes it: index, mapping type, id and
 * source. {@code type} is the mapping type of a 5.x/6.x source (several per index on 5.6) and
 * null when typeless; on write, a null type becomes {@code _doc} on targets older than 7.x and is
 * left out on newer ones. The source is the parsed JSON, which a transform may change in place.
 */
public record ElasticsearchDocument(String index, String type, String id, ObjectNode source) {

    /** Checks that index, id and source are given. */
    public ElasticsearchDocument {
        requireNonNull(index, "index");
        requireNonNull(id, "id");
        requireNonNull(source, "source");
    }

    /** The same document in another index (typeless). */
    public ElasticsearchDocument withIndex(String newIndex) {
        return new ElasticsearchDocument(newIndex, null, id, source);
    }

    /** The same document in another index with a mapping type (for 5.x/6.x targets; null = typeless). */
    public ElasticsearchDocument withIndex(String newIndex, String newType) {
        return new ElasticsearchDocument(newIndex, newType, id, source);
    }

    /** The same document under another id. */
    public ElasticsearchDocument withId(String newId) {
        return new ElasticsearchDocument(index, type, newId, source);
    }

    /** The same document with another source. */
    public ElasticsearchDocument withSource(ObjectNode newSource) {
        return new ElasticsearchDocument(index, type, id, newSource);
    }
}
