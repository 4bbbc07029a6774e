package io.upgradesdk.upgrade.spring.boot.sample;

import io.upgradesdk.upgrade.Phase;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeStep;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/**
 * A sample Boot host: two plans declared as beans run when the application starts, in their
 * {@code @Order}. The second one ends with a destructive FINISH step, the point of no return, that
 * runs only with {@code upgrade.finish=true} and {@code upgrade.confirm-point-of-no-return=true}.
 * Its "database" is a list, so that the sample runs anywhere; a real host's steps use its
 * {@code DataSource} or clients.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class InventoryApplication {

    /** What the steps did, in order (stands for the host's database). */
    @Bean
    List<String> inventoryLog() {
        return new CopyOnWriteArrayList<>();
    }

    /** First: a non-destructive schema change. */
    @Bean
    @Order(1)
    UpgradePlan addSkuColumn(List<String> inventoryLog) {
        return UpgradePlan.builder("inventory-add-sku").step(UpgradeStep.builder("add-sku-column")
                .execute(c -> inventoryLog.add("add-sku-column")).build()).build();
    }

    /** Second: copy to a new table (UP), then drop the old one (FINISH, the point of no return). */
    @Bean
    @Order(2)
    UpgradePlan moveToItemsV2(List<String> inventoryLog) {
        return UpgradePlan.builder("inventory-items-v2")
                .step(UpgradeStep.builder("copy-items").execute(c -> inventoryLog.add("copy-items")).build())
                .step(UpgradeStep.builder("drop-items-v1").phase(Phase.FINISH).pointOfNoReturn()
                        .description("drops the old items table").execute(c -> inventoryLog.add("drop-items-v1"))
                        .build())
                .build();
    }

    public static void main(String[] args) {
        SpringApplication.run(InventoryApplication.class, args);
    }
}
