package io.upgradesdk.samples.orders;

import java.util.List;

/**
 * The host's database as the orders upgrade sees it (JDBC in a real host; a fake in tests). The
 * v2 table is written with upserts by id, so writing an order again leaves one row.
 */
public interface OrdersDatabase {

    /** Up to {@code limit} v1 orders with an id above {@code afterId}, by increasing id. */
    List<Order> readV1After(long afterId, int limit) throws Exception;

    /** Inserts or replaces these orders in the v2 table (creating it if needed). */
    void upsertV2(List<Order> orders) throws Exception;

    long countV1() throws Exception;

    long countV2() throws Exception;

    /** Drops the v2 table if it exists. */
    void dropV2() throws Exception;

    /** Drops the v1 table if it exists: cannot be undone. */
    void dropV1() throws Exception;
}
