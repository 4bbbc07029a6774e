/**
 * Spring Boot auto-configuration of the upgrade SDK: an {@link io.upgradesdk.upgrade.UpgradeRunner}
 * bean from the {@code upgrade.*} properties ({@link io.upgradesdk.upgrade.spring.boot.UpgradeProperties}),
 * the host's {@code UpgradePlan} beans run at startup ({@link io.upgradesdk.upgrade.spring.boot.UpgradeStartup})
 * and a read-only actuator endpoint ({@link io.upgradesdk.upgrade.spring.boot.UpgradeEndpoint}).
 */
package io.upgradesdk.upgrade.spring.boot;
