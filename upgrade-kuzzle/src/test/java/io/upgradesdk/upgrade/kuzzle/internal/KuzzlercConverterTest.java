package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KuzzlercConverterTest {

    static final String SPEC_V1 = """
            // v1 configuration
            { "services": { "db": { "client": { "host": "http://es:9200", "apiVersion": "5.6" },
                                    "dynamic": "false",
                                    /* v1 metadata mapping */
                                    "commonMapping": { "_kuzzle_info": { "properties": { "active": {"type":"boolean"},
                                        "author": {"type":"keyword"}, "deletedAt": {"type":"date"} } } } },
                            "internalEngine": { "bootstrapLockTimeout": 10000 },
                            "garbageCollector": { "cleanInterval": 3600000 } },
              "security": { "jwt": { "secret": "s3cr3t-seed-value" } },
              "realtime": { "pcreSupport": false } }
            """;

    @Test
    void applies_every_rule_of_the_spec_in_one_pass() {
        KuzzlercConverter.Result r = KuzzlercConverter.convert(".kuzzlerc", SPEC_V1);
        assertThat(r.v2()).isEqualTo(Json.parseObject("""
                { "services": { "storageEngine": { "client": { "node": "http://es:9200" },
                                                   "commonMapping": { "dynamic": "false",
                                                       "properties": { "_kuzzle_info": { "properties": { "author": {"type":"keyword"} } } } } },
                                "internalIndex": { "bootstrapLockTimeout": 10000 } },
                  "security": { "jwt": { "secret": "s3cr3t-seed-value" } },
                  "realtime": { "pcreSupport": false } }
                """));
        assertThat(r.changes()).containsExactly(
                "renamed services.db -> services.storageEngine",
                "renamed services.internalEngine -> services.internalIndex",
                "renamed services.storageEngine.commonMapping._kuzzle_info -> services.storageEngine.commonMapping.properties._kuzzle_info",
                "renamed services.storageEngine.dynamic -> services.storageEngine.commonMapping.dynamic",
                "renamed services.storageEngine.client.host -> services.storageEngine.client.node",
                "removed services.garbageCollector (obsolete in Kuzzle 2)",
                "removed services.storageEngine.client.apiVersion (obsolete in Kuzzle 2)",
                "removed services.storageEngine.commonMapping.properties._kuzzle_info.properties.deletedAt (obsolete in Kuzzle 2)",
                "removed services.storageEngine.commonMapping.properties._kuzzle_info.properties.active (obsolete in Kuzzle 2)");
        assertThat(r.notes()).singleElement().asString().contains("security.jwt.secret is set");
        assertThat(String.join("\n", r.changes()) + r.notes()).doesNotContain("s3cr3t");
    }

    @Test
    void obsolete_server_keys_and_legacy_hosts_lists() {
        KuzzlercConverter.Result r = KuzzlercConverter.convert("rc", """
                {"server": {"entryPoints": {}, "proxy": {}, "protocols": {"socketio": {}, "mqtt": {"enabled": true}}},
                 "services": {"storageEngine": {"client": {"hosts": ["http://a:9200", {"host": "b", "port": 9201}]}}}}
                """);
        assertThat(r.v2()).isEqualTo(Json.parseObject("""
                {"server": {"protocols": {"mqtt": {"enabled": true}}},
                 "services": {"storageEngine": {"client": {"nodes": ["http://a:9200", "http://b:9201"]}}}}
                """));
        assertThat(r.notes()).singleElement().asString().contains("commonMapping.dynamic");
    }

    @Test
    void an_already_v2_file_is_left_as_is() {
        String v2 = "{\"services\":{\"storageEngine\":{\"client\":{\"node\":\"http://x:9200\"},"
                + "\"commonMapping\":{\"dynamic\":\"true\"}}},\"realtime\":{}}";
        KuzzlercConverter.Result r = KuzzlercConverter.convert("rc", v2);
        assertThat(r.changes()).isEmpty();
        assertThat(r.v2()).isEqualTo(Json.parseObject(v2));
    }

    @Test
    void both_old_and_new_names_are_merged_or_refused_on_conflict() {
        KuzzlercConverter.Result r = KuzzlercConverter.convert("rc",
                "{\"services\":{\"db\":{\"a\":1},\"storageEngine\":{\"b\":2}}}");
        assertThat(r.v2().at("/services/storageEngine")).isEqualTo(Json.parseObject("{\"b\":2,\"a\":1}"));
        assertThatThrownBy(() -> KuzzlercConverter.convert("rc",
                "{\"services\":{\"db\":{\"a\":1},\"storageEngine\":{\"a\":2}}}"))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("services.db.a").hasMessageContaining("services.storageEngine.a")
                .extracting(e -> ((UpgradeException) e).code()).isEqualTo(KuzzleErrorCode.CONFIG_CONFLICT);
    }

    @Test
    void malformed_json_names_line_and_column_without_echoing_content() {
        String bad = "{\n  \"security\": {\"jwt\": {\"secret\": s3cr3t}}\n}";
        assertThatThrownBy(() -> KuzzlercConverter.convert("/etc/kuzzlerc", bad))
                .isInstanceOf(UpgradeException.class)
                .hasMessageContaining("/etc/kuzzlerc is not valid JSON at line 2, column")
                .hasMessageNotContaining("s3cr3t")
                .extracting(e -> ((UpgradeException) e).code()).isEqualTo(KuzzleErrorCode.CONFIG_MALFORMED);
        assertThatThrownBy(() -> KuzzlercConverter.convert("rc", "[1]")).hasMessageContaining("JSON object");
    }

    @Test
    void writes_the_v2_file_next_to_the_original_idempotently(@TempDir Path dir) throws Exception {
        Path v1 = dir.resolve(".kuzzlerc");
        Files.writeString(v1, SPEC_V1);
        Path out = KuzzlercFiles.defaultOutput(v1);
        KuzzlercConverter.Result r = KuzzlercFiles.read(v1);
        assertThat(KuzzlercFiles.write(r, out, false)).isTrue();
        assertThat(KuzzlercFiles.write(KuzzlercFiles.read(v1), out, false)).isFalse();
        assertThat(Files.readString(v1)).isEqualTo(SPEC_V1);
        assertThat(Json.MAPPER.readTree(Files.readString(out))).isEqualTo(r.v2());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        Files.writeString(out, "{}");
        assertThatThrownBy(() -> KuzzlercFiles.write(r, out, false)).hasMessageContaining("exists with other content");
        assertThat(KuzzlercFiles.write(r, out, true)).isTrue();
    }

    @Test
    void a_target_on_elasticsearch_8_opts_kuzzle_into_it_with_the_string_kuzzle_reads() {
        KuzzlercConverter.Result r = KuzzlercConverter.convert(".kuzzlerc", SPEC_V1, 8);

        assertThat(r.v2().at("/services/storageEngine/majorVersion").isTextual()).isTrue();
        assertThat(r.v2().at("/services/storageEngine/majorVersion").asText()).isEqualTo("8");
        assertThat(r.v2().at("/services/storageEngine/client/node").asText()).isEqualTo("http://es:9200");
        assertThat(r.changes()).last().isEqualTo(
                "set services.storageEngine.majorVersion = \"8\" (the target is Elasticsearch 8)");
    }

    @Test
    void a_file_without_a_services_section_gets_one_for_an_elasticsearch_8_target() {
        KuzzlercConverter.Result r = KuzzlercConverter.convert("rc", "{\"limits\": {}}", 8);

        assertThat(r.v2()).isEqualTo(Json.parseObject(
                "{\"limits\": {}, \"services\": {\"storageEngine\": {\"majorVersion\": \"8\"}}}"));
    }

    @Test
    void a_target_on_elasticsearch_7_keeps_kuzzles_default_and_adds_no_key() {
        assertThat(KuzzlercConverter.convert(".kuzzlerc", SPEC_V1, 7).v2())
                .isEqualTo(KuzzlercConverter.convert(".kuzzlerc", SPEC_V1).v2());
        assertThat(KuzzlercConverter.convert(".kuzzlerc", SPEC_V1, 7).v2().at("/services/storageEngine/majorVersion")
                .isMissingNode()).isTrue();
        assertThat(KuzzlercConverter.convert(".kuzzlerc", SPEC_V1, 5).changes())
                .noneMatch(c -> c.contains("majorVersion"));
    }
}
