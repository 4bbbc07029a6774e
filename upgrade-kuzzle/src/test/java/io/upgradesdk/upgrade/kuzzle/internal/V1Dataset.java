package io.upgradesdk.upgrade.kuzzle.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A realistic Kuzzle 1.x dataset: the internal index (seed, profiles, roles with a closure, users,
 * validations), the local-auth plugin storage, a multi-type public index with an upper-case
 * collection, trashcan documents, a custom analyzer, large documents.
 */
final class V1Dataset {

    record IndexDef(String name, String settings, Map<String, String> mappings) {
    }

    record DocDef(String index, String type, String id, String json) {
    }

    static final String SEED = "3f9c" + "0a1b2c3d".repeat(127) + "beef";
    static final String KUZZLE_INFO_V1 = "\"_kuzzle_info\":{\"properties\":{\"active\":{\"type\":\"boolean\"},"
            + "\"author\":{\"type\":\"keyword\"},\"createdAt\":{\"type\":\"date\"},\"deletedAt\":{\"type\":\"date\"},"
            + "\"updatedAt\":{\"type\":\"date\"},\"updater\":{\"type\":\"keyword\"}}}";

    final List<IndexDef> indices = new ArrayList<>();
    final List<DocDef> docs = new ArrayList<>();

    /** {@code publicDocs} documents per public collection (plus the fixed ones). */
    static V1Dataset standard(int publicDocs, int largeDocs) {
        return standard("%kuzzle", "kuzzle-plugin-auth-passport-local", "nyc-open-data", publicDocs, largeDocs);
    }

    /** The dataset under other names (tests sharing one cluster); {@code nyc} also prefixes the other public indexes. */
    static V1Dataset standard(String internalIndex, String plugin, String nyc, int publicDocs, int largeDocs) {
        V1Dataset d = new V1Dataset();
        Map<String, String> internal = new LinkedHashMap<>();
        internal.put("config", "{\"properties\":{}}");
        internal.put("roles", "{\"properties\":{\"controllers\":{\"type\":\"object\",\"enabled\":false}}}");
        internal.put("profiles", "{\"properties\":{\"policies\":{\"properties\":{\"roleId\":{\"type\":\"keyword\"}}}}}");
        internal.put("users", "{\"properties\":{\"profileIds\":{\"type\":\"keyword\"},\"fullName\":{\"type\":\"text\"},"
                + KUZZLE_INFO_V1 + "}}");
        internal.put("validations", "{\"properties\":{\"index\":{\"type\":\"keyword\"},\"collection\":"
                + "{\"type\":\"keyword\"},\"validation\":{\"type\":\"object\",\"enabled\":false}}}");
        internal.put("plugins", "{\"properties\":{\"config\":{\"type\":\"object\",\"enabled\":false}}}");
        d.indices.add(new IndexDef(internalIndex, "{}", internal));
        d.doc(internalIndex, "config", "security.jwt.secret", "{\"seed\":\"" + SEED + "\"}");
        d.doc(internalIndex, "roles", "admin", "{\"controllers\":{\"*\":{\"actions\":{\"*\":true}}}}");
        d.doc(internalIndex, "roles", "editor", "{\"controllers\":{\"document\":{\"actions\":{\"get\":true,\"search\":true,"
                + "\"update\":{\"test\":\"return $request.input.resource._id === $currentUserId;\",\"args\":{}}}},"
                + "\"index\":{\"actions\":{\"refresh\":true,\"getAutoRefresh\":true}},"
                + "\"server\":{\"actions\":{\"info\":true}}}}");
        d.doc(internalIndex, "profiles", "admin", "{\"policies\":[{\"roleId\":\"admin\"}]}");
        d.doc(internalIndex, "profiles", "editor", "{\"policies\":[{\"roleId\":\"editor\",\"restrictedTo\":["
                + "{\"index\":\"" + nyc + "\",\"collections\":[\"YellowTaxi\",\"green-taxi\"]},{\"index\":\"archive\"}]},"
                + "{\"roleId\":\"default\"}]}");
        d.doc(internalIndex, "users", "alice-kuid", "{\"profileIds\":[\"editor\"],\"fullName\":\"Alice\",\"_kuzzle_info\":"
                + "{\"author\":\"-1\",\"createdAt\":1569920000000,\"updatedAt\":null,\"updater\":null}}");
        d.doc(internalIndex, "users", "admin-kuid", "{\"profileIds\":[\"admin\"],\"fullName\":\"Admin\",\"_kuzzle_info\":"
                + "{\"author\":\"-1\",\"createdAt\":1569920000000,\"updatedAt\":null,\"updater\":null}}");
        d.doc(internalIndex, "validations", nyc + "#YellowTaxi", "{\"index\":\"" + nyc + "\",\"collection\":"
                + "\"YellowTaxi\",\"validation\":{\"strict\":true,\"fields\":{\"licence\":{\"type\":\"string\","
                + "\"mandatory\":true}}}}");

        d.indices.add(new IndexDef("%plugin:" + plugin, "{}", Map.of("users",
                "{\"properties\":{\"kuid\":{\"type\":\"keyword\"},\"userPassword\":{\"type\":\"keyword\"},"
                        + "\"userSalt\":{\"type\":\"keyword\"},\"algorithm\":{\"type\":\"keyword\"},"
                        + "\"stretching\":{\"type\":\"boolean\"},\"pepper\":{\"type\":\"boolean\"},"
                        + "\"encryption\":{\"type\":\"keyword\"}}}")));
        d.doc("%plugin:" + plugin, "users", "alice", "{\"kuid\":\"alice-kuid\","
                + "\"userPassword\":\"9b1e77\",\"userSalt\":\"c0ffee\",\"algorithm\":\"sha512\",\"stretching\":true,"
                + "\"pepper\":false,\"encryption\":\"hmac\"}");

        Map<String, String> nycTypes = new LinkedHashMap<>();
        nycTypes.put("YellowTaxi", "{\"dynamic\":\"true\",\"_meta\":{\"owner\":\"ops\"},\"_all\":{\"enabled\":false},"
                + "\"dynamic_templates\":[{\"notes\":{\"match\":\"note_*\",\"mapping\":{\"type\":\"text\","
                + "\"analyzer\":\"folded\"}}}],\"properties\":{\"licence\":{\"type\":\"keyword\"},"
                + "\"driver\":{\"type\":\"text\",\"analyzer\":\"folded\",\"include_in_all\":true},"
                + "\"trip\":{\"type\":\"integer\"},\"payload\":{\"type\":\"text\",\"index\":false}," + KUZZLE_INFO_V1 + "}}");
        nycTypes.put("green-taxi", "{\"properties\":{\"licence\":{\"type\":\"keyword\"},\"trip\":{\"type\":\"integer\"},"
                + KUZZLE_INFO_V1 + "}}");
        d.indices.add(new IndexDef(nyc, "{\"index\":{\"number_of_shards\":1,\"number_of_replicas\":0,"
                + "\"analysis\":{\"analyzer\":{\"folded\":{\"type\":\"custom\",\"tokenizer\":\"standard\","
                + "\"filter\":[\"lowercase\"]}}}}}", nycTypes));
        for (int i = 0; i < publicDocs; i++) {
            d.doc(nyc, "YellowTaxi", String.format("y%06d", i), taxi(i, i % 10 == 3));
            d.doc(nyc, "green-taxi", String.format("g%06d", i), taxi(i, false));
        }
        String big = "x".repeat(200_000);
        for (int i = 0; i < largeDocs; i++) {
            d.doc(nyc, "green-taxi", "large-" + i, "{\"licence\":\"L" + i + "\",\"trip\":" + i
                    + ",\"blob\":\"" + big + "\"}");
        }
        d.indices.add(new IndexDef(nyc + "-empty", "{}", Map.of()));
        d.indices.add(new IndexDef(".kibana-" + nyc, "{}", Map.of("config", "{\"properties\":{\"buildNum\":{\"type\":\"keyword\"}}}")));
        d.doc(".kibana-" + nyc, "config", "5.6.16", "{\"buildNum\":\"15000\"}");
        return d;
    }

    static String taxi(int i, boolean trashed) {
        return "{\"licence\":\"L" + i + "\",\"driver\":\"Driver " + i + "\",\"trip\":" + i + ",\"note_x\":\"Note\","
                + "\"_kuzzle_info\":{\"author\":\"alice-kuid\",\"createdAt\":1569920000000,\"updatedAt\":null,"
                + "\"updater\":null,\"active\":" + !trashed + ",\"deletedAt\":" + (trashed ? "1569930000000" : "null")
                + "}}";
    }

    private void doc(String index, String type, String id, String json) {
        docs.add(new DocDef(index, type, id, json));
    }

    /**
     * This dataset with {@code index} created in {@code shards} primary shards. Its green-taxi type
     * then maps {@code note_x} up front as YellowTaxi's dynamic template does: a 5.x field shared by
     * two types takes the mapping of the first type that indexed it, which one shard guarantees (the
     * documents go in order) and several do not (the two types' dynamic updates race, and the
     * loser's bulk item fails with "Mapper for [note_x] conflicts with existing mapping").
     */
    V1Dataset withShards(String index, int shards) {
        indices.replaceAll(i -> i.name().equals(index)
                ? new IndexDef(i.name(), i.settings().replace("\"number_of_shards\":1", "\"number_of_shards\":" + shards),
                        withSharedNoteMapping(i.mappings()))
                : i);
        return this;
    }

    private static Map<String, String> withSharedNoteMapping(Map<String, String> mappings) {
        Map<String, String> result = new LinkedHashMap<>(mappings);
        result.computeIfPresent("green-taxi", (type, mapping) -> mapping.replaceFirst("\\{\"properties\":\\{",
                "{\"properties\":{\"note_x\":{\"type\":\"text\",\"analyzer\":\"folded\"},"));
        return result;
    }

    FakeEs loadInto(FakeEs es) {
        for (IndexDef i : indices) {
            es.settings(i.name(), i.settings());
            i.mappings().forEach((t, m) -> es.mapping(i.name(), t, m));
        }
        docs.forEach(d -> es.doc(d.index(), d.type(), d.id(), d.json()));
        return es;
    }
}
