package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of a {@code _reindex} task, sliced or not, read from {@code GET /_tasks/<parent>} and
 * the listing of its running sub-tasks ({@code GET /_tasks?parent_task_id=<parent>}): Elasticsearch
 * puts only the slices that finished into the parent's status (a failed one as its exception), so
 * a running slice's progress comes from its sub-task.
 *
 * @param completed whether the parent task has completed
 * @param slices every slice known so far, by slice id (one slice 0 for an unsliced task)
 * @param failure the reason of the first failure: the task's error, a failed slice, a rejected document
 */
record ReindexTaskState(boolean completed, List<Slice> slices, Optional<String> failure) {

    /**
     * One slice: documents done (created, updated, deleted, skipped as conflicts or no-ops) of its
     * total (0 until the slice has started), and whether it finished.
     */
    record Slice(int id, long done, long total, boolean finished) {
    }

    /** Reads the parent's answer and the sub-task listing (may be missing) of a task of {@code sliceCount} slices. */
    static ReindexTaskState of(JsonNode parent, JsonNode children, int sliceCount) {
        boolean completed = parent.path("completed").asBoolean();
        JsonNode status = parent.path("task").path("status");
        Map<Integer, Slice> slices = new TreeMap<>();
        Optional<String> failure = taskError(parent);
        JsonNode finished = status.path("slices");
        if (finished.isArray() && finished.size() > 0) {
            for (int i = 0; i < finished.size(); i++) {
                JsonNode slice = finished.get(i);
                if (slice.isObject() && slice.has("slice_id")) {
                    slices.put(slice.path("slice_id").asInt(), slice(slice.path("slice_id").asInt(), slice, true));
                } else if (slice.isObject() && (slice.has("reason") || slice.has("type"))) {
                    slices.put(i, new Slice(i, 0, 0, true));
                    if (failure.isEmpty()) {
                        failure = Optional.of("slice " + i + " failed: " + reason(slice));
                    }
                }
            }
            for (JsonNode running : subTasks(children)) {
                int id = running.path("status").path("slice_id").asInt(-1);
                if (id >= 0 && !slices.containsKey(id)) {
                    slices.put(id, slice(id, running.path("status"), false));
                }
            }
        } else if (sliceCount <= 1 || completed) {
            slices.put(0, slice(0, status, completed));
        }
        JsonNode failures = parent.path("response").path("failures");
        if (failures.size() > 0) {
            if (failure.isEmpty()) {
                failure = Optional.of("document not written: " + reason(failures.get(0)));
            }
        }
        return new ReindexTaskState(completed, List.copyOf(slices.values()), failure);
    }

    private static Slice slice(int id, JsonNode status, boolean finished) {
        long done = status.path("created").asLong() + status.path("updated").asLong() + status.path("deleted").asLong()
                + status.path("version_conflicts").asLong() + status.path("noops").asLong();
        return new Slice(id, done, status.path("total").asLong(), finished);
    }

    private static Optional<String> taskError(JsonNode parent) {
        JsonNode error = parent.path("error");
        return error.isMissingNode() || error.isNull() ? Optional.empty() : Optional.of(reason(error));
    }

    /** {@code type: reason (caused by type: reason)} of an exception, or a bulk failure's cause, without document data. */
    private static String reason(JsonNode e) {
        JsonNode cause = e.has("cause") ? e.path("cause") : e;
        StringBuilder b = new StringBuilder();
        if (cause.has("index") && cause.has("id")) {
            b.append(cause.path("index").asText()).append('/').append(cause.path("id").asText()).append(": ");
        } else if (e.has("index") && e.has("id")) {
            b.append(e.path("index").asText()).append('/').append(e.path("id").asText()).append(": ");
        }
        b.append(cause.path("type").asText("error")).append(": ")
                .append(EsClient.withoutDocumentData(cause.path("reason").asText(cause.toString())));
        JsonNode causedBy = cause.path("caused_by");
        if (causedBy.isObject()) {
            b.append(" (caused by ").append(causedBy.path("type").asText()).append(": ")
                    .append(EsClient.withoutDocumentData(causedBy.path("reason").asText())).append(')');
        }
        return b.toString();
    }

    private static List<JsonNode> subTasks(JsonNode listing) {
        List<JsonNode> out = new ArrayList<>();
        if (listing == null) {
            return out;
        }
        for (Iterator<JsonNode> nodes = listing.path("nodes").elements(); nodes.hasNext();) {
            nodes.next().path("tasks").elements().forEachRemaining(out::add);
        }
        listing.path("tasks").elements().forEachRemaining(out::add); // group_by=none answers a flat list
        return out;
    }

    /** Documents done over all slices. */
    long done() {
        return slices.stream().mapToLong(Slice::done).sum();
    }

    /** Documents over all slices that have started; not below {@code expected} (the source's count, -1 if unknown). */
    long total(long expected) {
        return Math.max(expected, slices.stream().mapToLong(Slice::total).sum());
    }

    /** E.g. {@code 3 slices: #0 700/1000 done, #1 350/1000, #2 0/?}. */
    String describeSlices(int sliceCount) {
        StringBuilder b = new StringBuilder().append(sliceCount).append(sliceCount == 1 ? " slice:" : " slices:");
        for (int id = 0; id < sliceCount; id++) {
            int k = id;
            Optional<Slice> slice = slices.stream().filter(s -> s.id() == k).findFirst();
            b.append(id == 0 ? " #" : ", #").append(id).append(' ');
            if (slice.isEmpty()) {
                b.append("waiting");
            } else {
                b.append(slice.get().done()).append('/').append(slice.get().total() > 0 ? slice.get().total() : "?");
                if (slice.get().finished()) {
                    b.append(" done");
                }
            }
        }
        return b.toString();
    }
}
