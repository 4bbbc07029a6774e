package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import io.upgradesdk.upgrade.kuzzle.internal.CollectionMove.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Edges of the v1 → v2 layout: names Kuzzle 2 rejects, empty indexes, and how a move names itself. */
class KuzzleLayoutEdgesTest {

    private static final SourceIndex INTERNAL = new SourceIndex("%kuzzle", List.of("users"));

    private static Layout plan(SourceIndex... indexes) {
        List<SourceIndex> all = new java.util.ArrayList<>(List.of(INTERNAL));
        all.addAll(List.of(indexes));
        return new LayoutPlanner("%kuzzle", "kuzzle", KuzzleVersion.parse("2.10.0"), DataSelection.all(), Map.of())
                .plan(all);
    }

    @Test
    void aPluginCollectionKuzzle2CannotAddressIsAProblem() {
        Layout layout = plan(new SourceIndex("%plugin:auth", List.of("bad name")));

        assertThat(layout.problems()).singleElement().asString()
                .contains("collection %plugin:auth/bad name", "a space", "rename it in v1");
    }

    @Test
    void anEmptyPublicIndexIsSkippedWithItsReasonAndAFullOneIsNot() {
        Layout layout = plan(new SourceIndex("empty", List.of()), new SourceIndex("full", List.of("a")));

        assertThat(layout.skipped()).containsExactly("empty: no collection (an empty v1 index has nothing to migrate)");
        assertThat(layout.removablePublic()).containsExactly("full");
    }

    @Test
    void aMoveNamesItsSourceAndItsTargetCollection() {
        CollectionMove move = plan(new SourceIndex("nyc", List.of("Taxi"))).moves(Kind.PUBLIC).get(0);

        assertThat(move.source()).isEqualTo("nyc/Taxi");
        assertThat(move.targetCollection()).isEqualTo("taxi");
        assertThat(new CollectionMove(Kind.PUBLIC, "i", "t", "&i.t", null, false).targetCollection()).isEqualTo("t");
    }

    @Test
    void aBackslashAnywhereIsRefusedAndADotSaysWhereKuzzleWouldSplit() {
        assertThat(KuzzleNames.v2NameProblem("\\abc")).get().asString().isEqualTo("contains '\\'");
        assertThat(KuzzleNames.v2NameProblem("a.b")).get().asString()
                .isEqualTo("contains '.' (Kuzzle 2 would split the name there)");
        assertThat(KuzzleNames.v2NameProblem("a#b")).get().asString().isEqualTo("contains '#'");
        assertThat(KuzzleNames.v2NameProblem("a\tb")).get().asString().isEqualTo("contains a tab");
        assertThat(KuzzleNames.v2NameProblem("a\nb")).get().asString().isEqualTo("contains a line break");
    }
}
