/** A checkpoint store on Redis (standalone or cluster) through lettuce, for several hosts. */
module io.upgradesdk.upgrade.store.redis {
    exports io.upgradesdk.upgrade.store.redis;

    requires transitive io.upgradesdk.upgrade;
    requires transitive lettuce.core;               // the builder takes lettuce's URI, clients, connections
    requires org.slf4j;
}
