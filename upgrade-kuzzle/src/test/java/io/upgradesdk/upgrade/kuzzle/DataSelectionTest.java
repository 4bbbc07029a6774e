package io.upgradesdk.upgrade.kuzzle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DataSelectionTest {

    @Test
    void selects_whole_indexes_or_single_collections() {
        DataSelection s = DataSelection.indices("nyc").plusCollection("archive", "Old");

        assertThat(s.includes("nyc", "anything")).isTrue();
        assertThat(s.includesWholeIndex("nyc")).isTrue();
        assertThat(s.includes("archive", "Old")).isTrue();
        assertThat(s.includes("archive", "other")).isFalse();
        assertThat(s.includesWholeIndex("archive")).isFalse();
        assertThat(s.isNone()).isFalse();
    }

    @Test
    void all_and_none() {
        assertThat(DataSelection.all().includes("x", "y")).isTrue();
        assertThat(DataSelection.all().plusCollection("x", "y")).isEqualTo(DataSelection.all());
        assertThat(DataSelection.none().isNone()).isTrue();
        assertThat(DataSelection.none().includes("x", "y")).isFalse();
        assertThat(DataSelection.none()).hasToString("none");
    }

    @Test
    void equal_selections_are_equal_so_equal_settings_are() {
        assertThat(DataSelection.none().plusCollection("a", "b").plusCollection("a", "c"))
                .isEqualTo(DataSelection.none().plusCollection("a", "c").plusCollection("a", "b"))
                .hasSameHashCodeAs(DataSelection.none().plusCollection("a", "c").plusCollection("a", "b"))
                .isNotEqualTo(DataSelection.indices("a"));
        assertThat(DataSelection.indices("a", "b")).isEqualTo(DataSelection.indices("b", "a"));
        assertThat(DataSelection.all()).isNotEqualTo(DataSelection.none());
    }
}
