package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.elasticsearch.DocumentCopy;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One budget of bulk requests in flight and of pages held (page permits) for every copy of one plan to its target
 * cluster: the partitions of a storage step (collection × slice) are copied at the same time, each
 * through ports and a {@link DocumentCopy} of its own (each has its own cursor and progress
 * callbacks), so without it the target would see the requests in flight of every partition, not
 * those of one copy. The first copy built lends its budget to all later ones.
 *
 * <p>Thread-safe.
 */
final class SharedWriteBudget {

    private final AtomicReference<DocumentCopy> lender = new AtomicReference<>();

    /** Builds {@code copy} on the shared budget (the first copy built becomes the lender). */
    DocumentCopy build(DocumentCopy.Builder copy) {
        DocumentCopy first = lender.get();
        if (first != null) {
            return copy.sharingBudgetOf(first).build();
        }
        DocumentCopy built = copy.build();
        return lender.compareAndSet(null, built) ? built : copy.sharingBudgetOf(lender.get()).build();
    }
}
