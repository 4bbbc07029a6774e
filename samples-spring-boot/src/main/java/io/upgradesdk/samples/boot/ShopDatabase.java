package io.upgradesdk.samples.boot;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The sample's stand-in for the application's database: products with prices in cents (v1) or
 * decimal prices with a currency (v2), and orders in a legacy table (v1) or the new one (v3).
 */
public class ShopDatabase {

    /** A product: {@code priceCents} in v1, {@code price} and {@code currency} once upgraded. */
    public record Product(long id, long priceCents, BigDecimal price, String currency) {
    }

    private final Map<Long, Product> products = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, String> legacyOrders = new ConcurrentSkipListMap<>();
    private final Map<Long, String> orders = new ConcurrentHashMap<>();
    private volatile boolean legacyOrdersTable = true;

    /** A v1 database with {@code productCount} products and {@code orderCount} orders. */
    public static ShopDatabase v1(int productCount, int orderCount) {
        ShopDatabase db = new ShopDatabase();
        for (long id = 1; id <= productCount; id++) {
            db.products.put(id, new Product(id, 100 * id + 99, null, null));
        }
        for (long id = 1; id <= orderCount; id++) {
            db.legacyOrders.put(id, "order-" + id);
        }
        return db;
    }

    public List<Product> productsFrom(long firstId, int limit) {
        return products.values().stream().filter(p -> p.id() >= firstId)
                .sorted(Comparator.comparingLong(Product::id)).limit(limit).toList();
    }

    public void save(Product product) {
        products.put(product.id(), product);
    }

    public int productCount() {
        return products.size();
    }

    public List<Long> legacyOrderIdsAfter(long afterId, int limit) {
        return legacyOrders.tailMap(afterId, false).keySet().stream().limit(limit).toList();
    }

    public int legacyOrderCount() {
        return legacyOrders.size();
    }

    /** Copies one order to the new table (idempotent). */
    public void copyOrder(long id) {
        orders.put(id, legacyOrders.get(id));
    }

    public int orderCount() {
        return orders.size();
    }

    public boolean hasLegacyOrdersTable() {
        return legacyOrdersTable;
    }

    public void dropLegacyOrdersTable() {
        legacyOrders.clear();
        legacyOrdersTable = false;
    }
}
