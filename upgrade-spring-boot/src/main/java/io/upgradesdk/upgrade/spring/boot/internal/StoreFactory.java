package io.upgradesdk.upgrade.spring.boot.internal;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.spring.boot.UpgradeProperties;
import io.upgradesdk.upgrade.spring.boot.UpgradeProperties.StoreType;
import java.util.function.Predicate;

/**
 * Builds the stores that need nothing from the host (memory, file), and explains why a JDBC, Redis or
 * Elasticsearch store could not be built when its module or the host's client bean is missing.
 */
public final class StoreFactory {

    private static final String JDBC_STORE = "io.upgradesdk.upgrade.store.jdbc.JdbcCheckpointStore";
    private static final String REDIS_STORE = "io.upgradesdk.upgrade.store.redis.RedisCheckpointStore";
    private static final String ELASTICSEARCH_STORE = "io.upgradesdk.upgrade.elasticsearch.ElasticsearchCheckpointStore";
    private static final String REST_CLIENT = "org.elasticsearch.client.RestClient";
    private static final String ELASTICSEARCH_CLIENT = "co.elastic.clients.elasticsearch.ElasticsearchClient";

    private StoreFactory() {
    }

    /**
     * The store of {@code upgrade.store.type} when no other configuration built one.
     *
     * @param classPresent whether a class is on the class path
     * @param beanPresent  whether the context has a bean of the named type (false when the type is
     *                     not on the class path)
     */
    public static CheckpointStore create(UpgradeProperties.Store store, Predicate<String> classPresent,
            Predicate<String> beanPresent) {
        StoreType type = store.type();
        return switch (type) {
            case MEMORY -> new InMemoryCheckpointStore();
            case FILE -> fileStore(store);
            case JDBC -> throw missing(type, "upgrade-store-jdbc", JDBC_STORE, "javax.sql.DataSource", classPresent,
                    beanPresent);
            case REDIS -> throw missing(type, "upgrade-store-redis", REDIS_STORE, "io.lettuce.core.RedisClient",
                    classPresent, beanPresent);
            case ELASTICSEARCH -> throw missing(type, "upgrade-elasticsearch", ELASTICSEARCH_STORE,
                    REST_CLIENT + " or " + ELASTICSEARCH_CLIENT,
                    classPresent, name -> beanPresent.test(REST_CLIENT) || beanPresent.test(ELASTICSEARCH_CLIENT));
        };
    }

    private static CheckpointStore fileStore(UpgradeProperties.Store store) {
        if (store.file() == null) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, "upgrade.store.type=file needs"
                    + " upgrade.store.file, the path of the checkpoint file (e.g. upgrade.store.file=/var/lib/app/"
                    + "upgrade-checkpoints.json)");
        }
        return new FileCheckpointStore(store.file());
    }

    private static UpgradeException missing(StoreType type, String module, String storeClass, String beanType,
            Predicate<String> classPresent, Predicate<String> beanPresent) {
        String property = "upgrade.store.type=" + type.name().toLowerCase(java.util.Locale.ROOT);
        String why;
        if (!classPresent.test(storeClass)) {
            why = "the " + module + " module is not on the class path: add the dependency io.upgradesdk:" + module;
        } else if (!beanPresent.test(beanType)) {
            why = "the application context has no " + beanType + " bean: define one (the host's own; the"
                    + " store uses it and never closes it) or define a CheckpointStore bean";
        } else {
            why = "the store could not be configured";
        }
        return new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION, property + " cannot be used: " + why);
    }
}
