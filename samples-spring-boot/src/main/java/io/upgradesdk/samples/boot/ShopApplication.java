package io.upgradesdk.samples.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.math.BigDecimal;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * A Spring Boot host of the SDK. With {@code upgrade-spring-boot} on the class path its two
 * {@link UpgradePlan} beans run while the application starts, in {@code @Order}: the catalogue's,
 * then the orders', whose last step (FINISH phase) drops the legacy table, the point of no return,
 * run only once {@code upgrade.finish=true} and {@code upgrade.confirm-point-of-no-return=true} say
 * so. Checkpoints go to the file of {@code application.properties}, so a restart resumes; the
 * {@link MeterRegistry} bean makes the auto-configuration add the Micrometer listener.
 */
@SpringBootApplication
public class ShopApplication {

    static final int PAGE = 50;

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args).close();
    }

    /** The application's database (a stand-in with 500 products and 1,200 orders). */
    @Bean
    ShopDatabase shopDatabase() {
        return ShopDatabase.v1(500, 1200);
    }

    /** An application without Actuator defines its registry itself; with Actuator, Boot does. */
    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    /** Prices from cents to a decimal amount with a currency, page by page, resumable. */
    @Bean
    @Order(1)
    UpgradePlan catalogV2(ShopDatabase db) {
        return UpgradePlan.builder("catalog-v2")
                .step(UpgradeStep.builder("convert-prices").description("priceCents -> price + currency").execute(ctx -> {
                    long next = ctx.cursor().map(Long::parseLong).orElse(1L);
                    List<ShopDatabase.Product> page;
                    while (!(page = db.productsFrom(next, PAGE)).isEmpty()) {
                        for (ShopDatabase.Product p : page) {
                            db.save(new ShopDatabase.Product(p.id(), p.priceCents(),
                                    BigDecimal.valueOf(p.priceCents(), 2), "EUR"));
                        }
                        next = page.get(page.size() - 1).id() + 1;
                        ctx.saveCursor(Long.toString(next));
                        ctx.progress(next - 1, db.productCount(), "products converted");
                    }
                }).build())
                .build();
    }

    /** Orders copied to the new table (UP), then the legacy table dropped (FINISH, point of no return). */
    @Bean
    @Order(2)
    UpgradePlan ordersV3(ShopDatabase db) {
        return UpgradePlan.builder("orders-v3")
                .step(UpgradeStep.builder("copy-orders").execute(ctx -> {
                    long after = ctx.cursor().map(Long::parseLong).orElse(0L);
                    int total = db.legacyOrderCount();
                    List<Long> ids;
                    while (!(ids = db.legacyOrderIdsAfter(after, PAGE)).isEmpty()) {
                        ids.forEach(db::copyOrder);
                        after = ids.get(ids.size() - 1);
                        ctx.saveCursor(Long.toString(after));
                        ctx.progress(db.orderCount(), total, "orders copied");
                    }
                }).build())
                .step(UpgradeStep.builder("drop-legacy-orders").phase(Phase.FINISH).pointOfNoReturn()
                        .description("drops the legacy orders table; the old application version stops working")
                        .execute(ctx -> db.dropLegacyOrdersTable()).build())
                .build();
    }
}
