package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one search answer into one bulk body while the answer is parsed: each hit is transformed
 * and written as soon as it is read, so that neither the answer's tree nor the page's hits are
 * kept (a page of 8 MB made a tree of several times that, alive until the page was encoded: most
 * of what a copy's young collections had to copy). Counts read, skipped and written documents in
 * the copy's cursor.
 */
final class HitsToBulk {
    /** Writes a page's documents into one buffer without flushing after each of them. */
    private static final ObjectMapper BULK_JSON =
            EsClient.json().copy().disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    /** What one search answer held and became. */
    record ReadPage(int hits, ArrayNode lastSort, String scrollId, BulkPipeline.Page page) {
    }

    private final DocumentCopier.DocumentTransform transform;
    private final boolean typedTarget;
    private final boolean typelessSource;
    private final boolean createOnly;

    HitsToBulk(DocumentCopier.DocumentTransform transform, boolean typedTarget, boolean typelessSource,
            boolean createOnly) {
        this.transform = transform;
        this.typedTarget = typedTarget;
        this.typelessSource = typelessSource;
        this.createOnly = createOnly;
    }

    /**
     * Reads a search (or scroll) answer, {@code {"_scroll_id": …, "hits": {"hits": [hit, …]}}},
     * into a bulk body sized for {@code requested} documents.
     */
    ReadPage read(JsonParser answer, DocumentCopier.Cursor c, PageSizer sizer, int requested) throws IOException {
        if (answer.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(answer, "a search answer is a JSON object");
        }
        Page page = new Page(sizer.bodyCapacity(requested));
        String scrollId = null;
        while (answer.nextToken() == JsonToken.FIELD_NAME) {
            String field = answer.currentName();
            JsonToken value = answer.nextToken();
            if (field.equals("_scroll_id")) {
                scrollId = answer.getValueAsString();
            } else if (field.equals("hits") && value == JsonToken.START_OBJECT) {
                readHitsObject(answer, c, page);
            } else {
                answer.skipChildren();
            }
        }
        BulkPipeline.Page bulk = page.finish();
        c.written += bulk.ids().size();
        sizer.encoded(bulk.ids().size(), bulk.length());
        return new ReadPage(page.hits, page.lastSort, scrollId, bulk);
    }

    private void readHitsObject(JsonParser answer, DocumentCopier.Cursor c, Page page) throws IOException {
        while (answer.nextToken() == JsonToken.FIELD_NAME) {
            String field = answer.currentName();
            if (answer.nextToken() == JsonToken.START_ARRAY && field.equals("hits")) {
                while (answer.nextToken() == JsonToken.START_OBJECT) {
                    write(readHit(answer, page), c, page);
                }
            } else {
                answer.skipChildren();
            }
        }
    }

    /** One hit, the parser on its start; leaves the parser on its end. */
    private EsDocument readHit(JsonParser answer, Page page) throws IOException {
        String index = "";
        String type = null;
        String id = "";
        ObjectNode source = null;
        ArrayNode sort = null;
        while (answer.nextToken() == JsonToken.FIELD_NAME) {
            String field = answer.currentName();
            JsonToken value = answer.nextToken();
            switch (field) {
                case "_index" -> index = answer.getValueAsString("");
                case "_type" -> type = answer.getValueAsString();
                case "_id" -> id = answer.getValueAsString("");
                case "_source" -> source = value == JsonToken.START_OBJECT ? answer.readValueAsTree() : skip(answer);
                case "sort" -> sort = value == JsonToken.START_ARRAY ? answer.readValueAsTree() : skip(answer);
                default -> answer.skipChildren();
            }
        }
        page.hits++;
        page.lastSort = sort;
        if (typelessSource && "_doc".equals(type)) {
            type = null;
        }
        return new EsDocument(index, type, id, source != null ? source : BULK_JSON.createObjectNode());
    }

    private static <T> T skip(JsonParser answer) throws IOException {
        answer.skipChildren();
        return null;
    }

    private void write(EsDocument read, DocumentCopier.Cursor c, Page page) throws IOException {
        c.read++;
        EsDocument doc = transform.apply(read);
        if (doc == null) {
            c.skipped++;
            return;
        }
        JsonGenerator g = page.generator();
        g.writeStartObject();
        g.writeObjectFieldStart(createOnly ? "create" : "index");
        g.writeStringField("_index", doc.index());
        if (typedTarget) {
            g.writeStringField("_type", doc.type() == null ? "_doc" : doc.type());
        }
        g.writeStringField("_id", doc.id());
        g.writeEndObject();
        g.writeEndObject();
        g.writeRaw('\n');
        g.writeTree(doc.source());
        g.writeRaw('\n');
        page.ids.add(doc.index() + "/" + doc.id());
        c.writtenInto.add(doc.index());
    }

    /** The bulk body being written, its buffer taken at the first document to write. */
    private static final class Page {
        private final int capacity;
        private final List<String> ids = new ArrayList<>();
        private PageBuffer out;
        private JsonGenerator generator;
        private int hits;
        private ArrayNode lastSort;

        Page(int capacity) {
            this.capacity = capacity;
        }

        JsonGenerator generator() throws IOException {
            if (generator == null) {
                out = new PageBuffer(capacity);
                generator = BULK_JSON.getFactory().createGenerator(out);
                generator.setRootValueSeparator(null);
            }
            return generator;
        }

        BulkPipeline.Page finish() throws IOException {
            if (generator == null) {
                return new BulkPipeline.Page(new byte[0], 0, ids);
            }
            generator.close();
            return new BulkPipeline.Page(out.buffer(), out.size(), ids);
        }
    }

    /** A page's bulk body being encoded, handed over without the copy {@code toByteArray()} makes. */
    private static final class PageBuffer extends ByteArrayOutputStream {
        PageBuffer(int capacity) {
            super(capacity);
        }

        /** The buffer itself, of which the first {@link #size()} bytes are the body; written no more after this. */
        byte[] buffer() {
            return buf;
        }
    }
}
