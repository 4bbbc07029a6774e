package io.upgradesdk.upgrade.kong.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Test helper run as its own JVM: {@code up} of a migration whose SQL part has run when it touches
 * the marker file {@code args[1]} and then hangs, so the test can kill the JVM between up and its record.
 */
public final class CrashingMigrationMain {

    private CrashingMigrationMain() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(args[0]);
        ds.setUser("postgres");
        Path marker = Path.of(args[1]);
        SchemaMigrator.builder().dataSource(ds).schema("app").lockTimeout(Duration.ofSeconds(1)).owner("doomed")
                .subsystem(SchemaSubsystem.of("core", SchemaMigration.sql("000_base", "CREATE TABLE IF NOT EXISTS items (id INT)")))
                .subsystem(SchemaSubsystem.of("crash", SchemaMigration.builder("000_crash")
                        .upSql("CREATE TABLE crashed (x INT); INSERT INTO crashed VALUES (1)")
                        .up(c -> {
                            Files.writeString(marker, "up ran");
                            Thread.sleep(120_000);
                        }).build()))
                .build().up();
    }
}
