package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PageSizerTest {

    @Test
    void an_adaptive_page_holds_as_many_documents_as_reach_the_target_bytes() {
        PageSizer sizer = PageSizer.adaptive(8L << 20, 1000, 10_000);
        assertThat(sizer.next()).as("before any page is known").isEqualTo(1000);

        sizer.encoded(1000, 1000L * 1100);

        assertThat(sizer.next()).isEqualTo((int) ((8L << 20) / 1100));
    }

    @Test
    void small_documents_stop_at_the_document_bound_and_large_ones_at_one_document() {
        PageSizer small = PageSizer.adaptive(8L << 20, 1000, 10_000);
        small.encoded(1000, 50_000);
        assertThat(small.next()).isEqualTo(10_000);

        PageSizer bounded = PageSizer.adaptive(8L << 20, 1000, 300);
        assertThat(bounded.next()).as("the first page too").isEqualTo(300);

        PageSizer huge = PageSizer.adaptive(8L << 20, 1000, 10_000);
        huge.encoded(2, 40L << 20);
        assertThat(huge.next()).isEqualTo(1);
    }

    @Test
    void a_busy_answer_halves_the_page_and_clean_pages_grow_it_back_to_the_target() {
        PageSizer sizer = PageSizer.adaptive(8L << 20, 1000, 10_000);
        sizer.encoded(1000, 1000L * 1024);
        int full = sizer.next();

        sizer.rejected();
        assertThat(sizer.next()).isEqualTo(full / 2);
        sizer.rejected();
        assertThat(sizer.next()).isEqualTo(full / 4);

        for (int i = 0; i < 100 * PageSizer.CLEAN_PAGES_TO_GROW; i++) {
            sizer.written();
        }
        assertThat(sizer.next()).as("never above the first target").isEqualTo(full);
        assertThat(sizer.targetBytes()).isEqualTo(8L << 20);
    }

    @Test
    void a_busy_answer_never_shrinks_below_the_floor() {
        PageSizer sizer = PageSizer.adaptive(PageSizer.MIN_TARGET_BYTES * 2, 1000, 10_000);
        sizer.encoded(100, 100L * 1024);
        for (int i = 0; i < 10; i++) {
            sizer.rejected();
        }
        assertThat(sizer.targetBytes()).isEqualTo(PageSizer.MIN_TARGET_BYTES);
        assertThat(sizer.next()).isEqualTo((int) (PageSizer.MIN_TARGET_BYTES / 1024));
    }

    @Test
    void a_fixed_page_size_is_kept_whatever_the_bytes_or_busy_answers() {
        PageSizer sizer = PageSizer.fixed(500);
        sizer.encoded(500, 500L << 20);
        sizer.rejected();
        sizer.written();
        assertThat(sizer.next()).isEqualTo(500);
        assertThat(sizer.isFixed()).isTrue();
    }

    @Test
    void a_page_body_is_reserved_from_the_bytes_per_document_learnt_so_that_encoding_seldom_copies_it() {
        PageSizer sizer = PageSizer.fixed(1000);
        assertThat(sizer.bodyCapacity(1000)).as("before any page")
                .isEqualTo(1024 + 1000 * PageSizer.UNLEARNT_BYTES_PER_DOCUMENT);
        sizer.encoded(1000, 1000L * 2000);
        assertThat(sizer.bodyCapacity(1000)).as("2,000 bytes a document, a tenth to spare")
                .isEqualTo(1024 + 1000 * 2200);
        sizer.encoded(2, 1L << 30);
        assertThat(sizer.bodyCapacity(10_000)).as("bounded").isEqualTo(64 << 20);
    }

    @Test
    void a_sizer_that_has_not_learnt_starts_from_what_another_reader_of_the_index_learnt() {
        PageSizer fresh = PageSizer.adaptive(8L << 20, 1000, 10_000);
        fresh.startFrom(1100);
        assertThat(fresh.next()).as("a full first page").isEqualTo((int) ((8L << 20) / 1100));

        PageSizer learnt = PageSizer.adaptive(8L << 20, 1000, 10_000);
        learnt.encoded(1000, 1000L * 2200);
        learnt.startFrom(1100);
        assertThat(learnt.next()).as("its own bytes per document win").isEqualTo((int) ((8L << 20) / 2200));

        PageSizer nothingKnown = PageSizer.adaptive(8L << 20, 1000, 10_000);
        nothingKnown.startFrom(0);
        assertThat(nothingKnown.next()).isEqualTo(1000);

        PageSizer fixed = PageSizer.fixed(500);
        fixed.startFrom(1100);
        assertThat(fixed.next()).isEqualTo(500);
    }
}
