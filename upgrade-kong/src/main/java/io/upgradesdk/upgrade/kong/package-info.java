/**
 * Kong Gateway upgrades on PostgreSQL, as code.
 *
 * <ul>
 *   <li>{@link io.upgradesdk.upgrade.kong.KongUpgrade}: the entry point. Built with the runtime
 *       options (sleeper, poll interval, Admin API client factory) and closed when done, it turns
 *       {@link io.upgradesdk.upgrade.kong.KongUpgradeSettings} (what to upgrade: strategy, target,
 *       old node, databases, the host's hooks) into an in-place, dual-cluster or blue/green
 *       {@code UpgradePlan} for the SDK's runner, driving Kong through
 *       {@link io.upgradesdk.upgrade.kong.KongCli} (the {@code kong} CLI as a process by default) and
 *       {@link io.upgradesdk.upgrade.kong.KongAdminClient} ({@code java.net.http});</li>
 *   <li>{@link io.upgradesdk.upgrade.kong.KongCatalog}: the ordered migrations (and teardown flags)
 *       of every Kong OSS release 1.0.0–3.9.3, bundled as a resource;</li>
 *   <li>{@link io.upgradesdk.upgrade.kong.KongDatabase}: reads a real Kong database over JDBC and
 *       answers exactly what {@code kong migrations list}/{@code status} would for a target version
 *       (exit codes 0 up to date, 3 needs bootstrap, 4 pending, 5 new), with host-declared custom plugins;</li>
 *   <li>{@link io.upgradesdk.upgrade.kong.KongUpgradePaths}: the documented upgrade-path rules (OSS and
 *       Enterprise), patch upgrades that are a mere reload;</li>
 *   <li>Kong's migration model, shared with the host-schema engine:
 *       {@link io.upgradesdk.upgrade.kong.MigrationState} (Kong's state algorithm),
 *       {@link io.upgradesdk.upgrade.kong.SubsystemMigrations}, {@link io.upgradesdk.upgrade.kong.SchemaMetaRow},
 *       {@link io.upgradesdk.upgrade.kong.KongSubsystem}, {@link io.upgradesdk.upgrade.kong.KongMigration},
 *       {@link io.upgradesdk.upgrade.kong.CommandOutput} and the error codes
 *       {@link io.upgradesdk.upgrade.kong.KongErrorCode}.</li>
 * </ul>
 *
 * <p>The Kong-style expand/contract engine for the host's own schema is in
 * {@link io.upgradesdk.upgrade.kong.schema}; it builds on this package, never the other way round.
 *
 * <p><b>Testing note:</b> Kong itself cannot be installed on the machines that build this SDK. The
 * module's tests run against a real PostgreSQL server, but Kong's CLI is played by a stand-in
 * process (a small Java main that records {@code schema_meta} the way Kong does) and its Admin API
 * by a local HTTP server ({@code com.sun.net.httpserver}). The plans have not been run against a
 * real Kong node.
 */
package io.upgradesdk.upgrade.kong;
