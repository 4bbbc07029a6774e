package io.upgradesdk.upgrade.elasticsearch.internal;

import io.upgradesdk.upgrade.StepContext;
import io.upgradesdk.upgrade.elasticsearch.CopyCursor;
import io.upgradesdk.upgrade.elasticsearch.DocumentCopy;
import io.upgradesdk.upgrade.elasticsearch.ElasticsearchConnection;
import io.upgradesdk.upgrade.elasticsearch.ReindexSettings;
import java.util.Optional;

/**
 * The reindex of a cluster without {@code _reindex} (or forced client-side): the public
 * {@link DocumentCopy} reads the source page by page and bulk-writes the destination from this
 * process, saving its cursor after every written page, so that a resumed run continues at the
 * last page written rather than from the start.
 */
final class ClientSideReindex {

    private final ReindexSettings s;

    ClientSideReindex(ReindexSettings s) {
        this.s = s;
    }

    /** Copies every document of the source after the cursor of {@code saved}, if any; {@code why} starts the progress messages. */
    void run(EsClient source, EsClient dest, StepContext ctx, Optional<ReindexCursor> saved, String why) {
        String label = "client-side copy " + s.sourceIndex() + " -> " + s.destIndex();
        CopyCursor resumeFrom = saved.map(ReindexCursor::copyCursor).map(CopyCursor::of).orElse(null);
        ctx.progress(0, -1, label + ": " + why + (resumeFrom == null ? "" : "; resuming at the last page written"));
        // Connections over the plan's own REST clients: closing them leaves those clients open.
        ElasticsearchConnection from = ElasticsearchConnection.using(source.rest(), source.name());
        ElasticsearchConnection to = ElasticsearchConnection.using(dest.rest(), dest.name());
        DocumentCopy.Result r = DocumentCopy.from(from, s.sourceIndex()).to(to, s.destIndex())
                .onCursor(cursor -> ctx.saveCursor(ReindexCursor.clientCopy(cursor.value())))
                .onPage(p -> ctx.progress(p.read(), p.total(), label))
                .build()
                .run(resumeFrom);
        ctx.progress(r.read(), r.read(), label + ": " + r.written() + " documents written");
    }
}
