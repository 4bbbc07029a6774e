package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import java.util.Optional;

/**
 * The reindex of a cluster without {@code _reindex} (or forced client-side): the copy engine behind
 * the public {@code DocumentCopy} reads the source page by page and bulk-writes the destination
 * from this process, saving its cursor after every written page, so that a resumed run continues at
 * the last page written rather than from the start.
 *
 * <p>It writes as the server-side task does ({@code op_type: create}, {@code conflicts: proceed}):
 * a document already in the destination is left as it is, whichever method copies. It runs on the
 * plan's own clients, so a host client's request headers (e.g. the authentication of a typed
 * client's transport options) go with every search and bulk request.
 */
final class ClientSideReindex {

    private final ReindexSettings s;

    ClientSideReindex(ReindexSettings s) {
        this.s = s;
    }

    /** Copies every document of the source after the cursor of {@code saved}, if any; {@code why} starts the progress messages. */
    void run(EsClient source, EsClient dest, StepContext ctx, Optional<ReindexCursor> saved, String why) {
        String label = "client-side copy " + s.sourceIndex() + " -> " + s.destIndex();
        String resumeFrom = saved.map(ReindexCursor::copyCursor).orElse(null);
        ctx.progress(0, -1, label + ": " + why + (resumeFrom == null ? "" : "; resuming at the last page written"));
        DocumentCopier.Result r = DocumentCopier.builder(source, dest)
                .sourceIndex(s.sourceIndex())
                .targetIndex(s.destIndex())
                .createOnly(true)
                .build()
                .copy(resumeFrom, cursor -> ctx.saveCursor(ReindexCursor.clientCopy(cursor)),
                        (read, total, index) -> ctx.progress(read, total, label));
        ctx.progress(r.read(), r.read(), label + ": " + r.written() + " documents created or already there");
    }
}
