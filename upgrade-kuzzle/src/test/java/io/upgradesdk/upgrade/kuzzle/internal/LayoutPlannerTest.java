package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.kuzzle.DataSelection;
import io.upgradesdk.upgrade.kuzzle.KuzzleVersion;
import io.upgradesdk.upgrade.kuzzle.internal.CollectionMove.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutPlannerTest {

    private static final SourceIndex INTERNAL = new SourceIndex("%kuzzle",
            List.of("config", "profiles", "roles", "users", "validations", "plugins"));

    private static LayoutPlanner planner(String version, DataSelection selection) {
        return new LayoutPlanner("%kuzzle", "kuzzle", KuzzleVersion.parse(version), selection, Map.of());
    }

    @Test
    void maps_every_v1_name_to_its_v2_indice() {
        Layout layout = planner("2.10.0", DataSelection.all()).plan(List.of(INTERNAL,
                new SourceIndex("%plugin:kuzzle-plugin-auth-passport-local", List.of("users")),
                new SourceIndex("nyc-open-data", List.of("yellow-taxi", "YellowCab"))));

        assertThat(layout.problems()).isEmpty();
        assertThat(layout.moves(Kind.INTERNAL)).extracting(CollectionMove::target).containsExactly(
                "%kuzzle.config", "%kuzzle.profiles", "%kuzzle.roles", "%kuzzle.users", "%kuzzle.validations");
        assertThat(layout.moves(Kind.PLUGIN)).extracting(CollectionMove::target)
                .containsExactly("%plugin-kuzzle-plugin-auth-passport-local.users");
        assertThat(layout.moves(Kind.PUBLIC)).extracting(CollectionMove::target)
                .containsExactly("&nyc-open-data.yellowcab", "&nyc-open-data.yellow-taxi");
        assertThat(layout.moves(Kind.PUBLIC).get(0).renamed()).isTrue();
        assertThat(layout.moves(Kind.PUBLIC).get(1).renamed()).isFalse();
        assertThat(layout.moves()).allSatisfy(m -> assertThat(m.alias()).isNull());
        assertThat(layout.skipped()).anyMatch(s -> s.startsWith("%kuzzle/plugins"));
        assertThat(layout.removablePublic()).containsExactly("nyc-open-data");
    }

    @Test
    void kuzzle_2_14_and_later_get_at_aliases() {
        Layout layout = planner("2.14.0", DataSelection.all()).plan(List.of(INTERNAL,
                new SourceIndex("nyc", List.of("taxi"))));
        assertThat(layout.moves()).extracting(CollectionMove::alias).contains("@%kuzzle.users", "@&nyc.taxi");
    }

    @Test
    void B6_indices_already_in_the_v2_layout_are_never_sources() {
        Layout layout = planner("2.10.0", DataSelection.all()).plan(List.of(INTERNAL,
                new SourceIndex("&nyc.taxi", List.of("default")), new SourceIndex("%kuzzle.users", List.of("default")),
                new SourceIndex("%plugin-foo.bar", List.of("default")), new SourceIndex("nyc", List.of("taxi"))));
        assertThat(layout.problems()).isEmpty();
        assertThat(layout.moves(Kind.PUBLIC)).extracting(CollectionMove::target).containsExactly("&nyc.taxi");
        assertThat(layout.targets()).noneMatch(t -> t.startsWith("&&") || t.startsWith("%kuzzle.users."));
        assertThat(layout.skipped()).anyMatch(s -> s.startsWith("&nyc.taxi"));
    }

    @Test
    void B7_case_collisions_are_refused_before_anything_is_written() {
        Layout layout = planner("2.10.0", DataSelection.all()).plan(List.of(INTERNAL,
                new SourceIndex("nyc", List.of("Foo", "foo"))));
        assertThat(layout.problems()).singleElement().asString()
                .contains("nyc/Foo", "nyc/foo", "&nyc.foo", "rename one of them");
    }

    @Test
    void B7_a_collision_left_out_of_the_selection_is_fine() {
        Layout layout = planner("2.10.0", DataSelection.none().plusCollection("nyc", "Foo")).plan(List.of(INTERNAL,
                new SourceIndex("nyc", List.of("Foo", "foo"))));
        assertThat(layout.problems()).isEmpty();
        assertThat(layout.removablePublic()).isEmpty();
    }

    @Test
    void B8_system_indices_are_excluded() {
        Layout layout = planner("2.10.0", DataSelection.all()).plan(List.of(INTERNAL,
                new SourceIndex(".kibana", List.of("config", "index-pattern")), new SourceIndex(".tasks", List.of("task"))));
        assertThat(layout.moves(Kind.PUBLIC)).isEmpty();
        assertThat(layout.targets()).noneMatch(t -> t.startsWith("&."));
        assertThat(layout.skipped()).anyMatch(s -> s.startsWith(".kibana: system index"));
    }

    @Test
    void B14_internal_index_names_are_independent_and_plugin_names_checked() {
        LayoutPlanner custom = new LayoutPlanner("%kuzzle", "kuzzle-internal", KuzzleVersion.parse("2.10.0"),
                DataSelection.all(), Map.of("Old_Plugin", "new-plugin"));
        Layout layout = custom.plan(List.of(INTERNAL, new SourceIndex("%plugin:Old_Plugin", List.of("Things")),
                new SourceIndex("%plugin:bad_name", List.of("x"))));
        assertThat(layout.moves(Kind.INTERNAL)).extracting(CollectionMove::target).contains("%kuzzle-internal.users");
        assertThat(layout.moves(Kind.PLUGIN)).extracting(CollectionMove::target).containsExactly("%plugin-new-plugin.things");
        assertThat(layout.problems()).singleElement().asString().contains("%plugin:bad_name", "pluginRename");
    }

    @Test
    void B16_names_kuzzle_2_cannot_address_are_refused() {
        Layout layout = planner("2.10.0", DataSelection.all()).plan(List.of(INTERNAL,
                new SourceIndex("logs.2019", List.of("entry")), new SourceIndex("ok", List.of("a:b", "c+d", "e#f"))));
        assertThat(layout.problems()).hasSize(4);
        assertThat(layout.problems().get(0)).contains("'logs.2019'", "'.'");
        assertThat(String.join("\n", layout.problems())).contains("ok/a:b", "ok/c+d", "ok/e#f");
    }

    @Test
    void B10_a_missing_internal_index_is_a_problem_not_an_empty_migration() {
        Layout layout = planner("2.10.0", DataSelection.all()).plan(List.of(new SourceIndex("nyc", List.of("taxi"))));
        assertThat(layout.internalPresent()).isFalse();
        assertThat(layout.problems()).singleElement().asString().contains("%kuzzle", "not found");
    }

    @Test
    void B4_skipping_all_data_still_gives_a_usable_layout() {
        Layout layout = planner("2.10.0", DataSelection.none()).plan(List.of(INTERNAL,
                new SourceIndex("nyc", List.of("taxi"))));
        assertThat(layout.problems()).isEmpty();
        assertThat(layout.moves(Kind.PUBLIC)).isEmpty();
        assertThat(layout.removablePublic()).isEmpty();
        assertThat(layout.moves(Kind.INTERNAL)).hasSize(5);
    }
}
