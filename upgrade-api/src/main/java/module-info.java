/**
 * The upgrade SDK's plan engine: plans, steps, the runner and the checkpoint stores (root
 * package), and the SPI for those who write a store or a step library ({@code spi}). The
 * {@code internal} package is not exported: no other module may use it.
 */
module io.upgradesdk.upgrade {
    exports io.upgradesdk.upgrade;
    exports io.upgradesdk.upgrade.spi;

    requires transitive org.slf4j;                  // Slf4jUpgradeListener(Logger)
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.google.common;
    requires io.github.resilience4j.core;
    requires io.github.resilience4j.retry;
}
