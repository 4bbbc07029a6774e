package io.upgradesdk.upgrade.spring.boot.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.spring.boot.UpgradeEndpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The sample host's story: deploy, deploy with finish (refused), deploy with the confirmation. */
class InventoryApplicationTest {

    @TempDir
    Path dir;

    @Test
    void up_at_first_start_then_the_point_of_no_return_only_once_confirmed() {
        String store = "--upgrade.store.file=" + dir.resolve("upgrade-checkpoints.json");
        try (ConfigurableApplicationContext first = start("--upgrade.store.type=file", store)) {
            assertThat(log(first)).containsExactly("add-sku-column", "copy-items");
        }

        assertThatThrownBy(() -> start("--upgrade.store.type=file", store, "--upgrade.finish=true"))
                .rootCause().hasMessageContaining("Upgrade plan 'inventory-items-v2' stopped at startup before step"
                        + " 'drop-items-v1'").hasMessageContaining("upgrade.confirm-point-of-no-return=true");

        try (ConfigurableApplicationContext third = start("--upgrade.store.type=file", store, "--upgrade.finish=true",
                "--upgrade.confirm-point-of-no-return=true", "--management.endpoints.web.exposure.include=upgrade")) {
            assertThat(log(third)).containsExactly("drop-items-v1"); // done steps are not run again
            Map<String, Object> status = third.getBean(UpgradeEndpoint.class).status();
            assertThat(status.get("plans").toString()).contains("inventory-add-sku", "inventory-items-v2")
                    .doesNotContain("PENDING");
        }
    }

    private static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(InventoryApplication.class).web(WebApplicationType.NONE)
                .logStartupInfo(false).run(args);
    }

    @SuppressWarnings("unchecked")
    private static List<String> log(ConfigurableApplicationContext context) {
        return context.getBean("inventoryLog", List.class);
    }
}
