package io.upgradesdk.samples.orders;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory {@link OrdersDatabase} that also counts how often each order was written to v2. */
final class FakeOrdersDatabase implements OrdersDatabase {

    private TreeMap<Long, Order> v1 = new TreeMap<>();
    private TreeMap<Long, Order> v2;
    final Map<Long, Integer> v2Writes = new HashMap<>();

    FakeOrdersDatabase(int orders) {
        for (long id = 1; id <= orders; id++) {
            v1.put(id, new Order(id, "customer-" + id, id * 100));
        }
    }

    @Override
    public List<Order> readV1After(long afterId, int limit) {
        return v1 == null ? List.of() : v1.tailMap(afterId, false).values().stream().limit(limit).toList();
    }

    @Override
    public void upsertV2(List<Order> orders) {
        if (v2 == null) {
            v2 = new TreeMap<>();
        }
        for (Order order : orders) {
            v2.put(order.id(), order);
            v2Writes.merge(order.id(), 1, Integer::sum);
        }
    }

    @Override
    public long countV1() {
        return v1 == null ? 0 : v1.size();
    }

    @Override
    public long countV2() {
        return v2 == null ? 0 : v2.size();
    }

    @Override
    public void dropV2() {
        v2 = null;
    }

    @Override
    public void dropV1() {
        v1 = null;
    }

    boolean hasV1() {
        return v1 != null;
    }

    boolean hasV2() {
        return v2 != null;
    }

    List<Long> v2Ids() {
        return v2 == null ? List.of() : new ArrayList<>(v2.keySet());
    }
}
