/**
 * The host-schema engine: Kong's expand/contract migration model applied to the host's own
 * PostgreSQL schema, with Kong's known defects fixed.
 *
 * <ul>
 *   <li>{@link io.upgradesdk.upgrade.kong.schema.SchemaMigrator}: the commands {@code bootstrap | up |
 *       finish | list | status | reset} (with {@code force}) over a {@code DataSource}; its Javadoc
 *       lists each deviation from Kong;</li>
 *   <li>{@link io.upgradesdk.upgrade.kong.schema.SchemaSubsystem} and
 *       {@link io.upgradesdk.upgrade.kong.schema.SchemaMigration}: what the host declares (ordered,
 *       uniquely named migrations with SQL and/or Java {@code up}, optional {@code teardown});</li>
 *   <li>{@link io.upgradesdk.upgrade.kong.schema.MigrationAction}: the Java part of a migration;</li>
 *   <li>{@link io.upgradesdk.upgrade.kong.schema.MigrationRun}: what one command did.</li>
 * </ul>
 *
 * <p><b>What stays in {@code io.upgradesdk.upgrade.kong}.</b> The vocabulary both this engine and
 * Kong's own upgrade speak lives in the root package: the state algorithm
 * ({@link io.upgradesdk.upgrade.kong.MigrationState}, {@link io.upgradesdk.upgrade.kong.SubsystemMigrations}),
 * the {@code schema_meta} rows ({@link io.upgradesdk.upgrade.kong.SchemaMetaRow}), the subsystem
 * and migration names it reads ({@link io.upgradesdk.upgrade.kong.KongSubsystem},
 * {@link io.upgradesdk.upgrade.kong.KongMigration}), {@link io.upgradesdk.upgrade.kong.CommandOutput}
 * and the error codes ({@link io.upgradesdk.upgrade.kong.KongErrorCode}). So this package depends on
 * the root package and never the other way round: a host that only upgrades Kong never loads the
 * engine. Its implementation (the {@code schema_meta}/{@code locks} access and the cluster lock) is in
 * {@code io.upgradesdk.upgrade.kong.internal}, shared with {@link io.upgradesdk.upgrade.kong.KongDatabase}.
 */
package io.upgradesdk.upgrade.kong.schema;
