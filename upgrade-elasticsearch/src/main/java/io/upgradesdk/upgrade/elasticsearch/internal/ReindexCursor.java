package io.upgradesdk.upgrade.elasticsearch.internal;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The typed cursor of the reindex step: the id of the asynchronous {@code _reindex} task a resumed
 * run keeps polling and its slice count, or, for a client-side copy, the copy's cursor. Earlier
 * versions saved {@code {"taskId":...}} (no slices: one slice) or the task id itself as the cursor.
 *
 * @param taskId the server-side task, or null for a client-side copy
 * @param slices the task's slice count (null: 1)
 * @param copyCursor where the client-side copy resumes, or null for a server-side task
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ReindexCursor(String taskId, Integer slices, String copyCursor) {

    /** A server-side task of {@code slices} slices. */
    static ReindexCursor task(String taskId, int slices) {
        return new ReindexCursor(taskId, slices, null);
    }

    /** The cursor an earlier version saved: the task id as a plain string. */
    static ReindexCursor plainTaskId(String taskId) {
        return new ReindexCursor(taskId, null, null);
    }

    /** A client-side copy that resumes at {@code copyCursor}. */
    static ReindexCursor clientCopy(String copyCursor) {
        return new ReindexCursor(null, null, copyCursor);
    }

    int sliceCount() {
        return slices == null ? 1 : slices;
    }
}
