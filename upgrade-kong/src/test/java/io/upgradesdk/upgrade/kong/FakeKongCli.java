package io.upgradesdk.upgrade.kong;

import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Stand-in for the {@code kong} binary (Kong cannot be installed here), run as a real process by
 * {@link ProcessKongCli}: {@code migrations up|finish|list [--force]} against the database in
 * {@code FAKE_KONG_PG_URL} for Kong {@code FAKE_KONG_VERSION}, recording {@code schema_meta} the
 * way Kong does (bodies are no-ops), printing Kong's messages. {@code FAKE_KONG_MODE=locked} makes
 * it print Kong's "another node" abort and exit 0; {@code fail} exits 1.
 */
public final class FakeKongCli {

    private FakeKongCli() {
    }

    public static void main(String[] args) throws Exception {
        String sub = args.length > 1 ? args[1] : "";
        String mode = System.getenv().getOrDefault("FAKE_KONG_MODE", "ok");
        if ("locked".equals(mode)) {
            System.out.println("aborted: another node is performing database changes");
            System.exit(0);
        }
        if ("fail".equals(mode)) {
            System.err.println("Error: [PostgreSQL error] failed to run migration '016_280_to_300' up: boom");
            System.exit(1);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(System.getenv("FAKE_KONG_PG_URL"));
        ds.setUser("postgres");
        KongVersion version = KongVersion.parse(System.getenv("FAKE_KONG_VERSION"));
        KongDatabase db = KongDatabase.builder().dataSource(ds).build();
        List<KongSubsystem> subsystems = db.subsystems(version);
        KongRecorder recorder = new KongRecorder(ds, null);
        switch (sub) {
            case "up" -> {
                if (db.state(version).hasPending()) {
                    System.err.println("Error: Database has pending migrations; run 'kong migrations finish'");
                    System.exit(1);
                }
                recorder.up(subsystems);
                System.out.println(db.state(version).hasPending()
                        ? "\nDatabase has pending migrations; run 'kong migrations finish' when ready"
                        : "Database is already up-to-date");
            }
            case "finish" -> {
                recorder.finish(subsystems);
                System.out.println("No pending migrations to finish");
            }
            case "list" -> {
                CommandOutput out = db.list(version);
                System.out.print(out.stdout());
                System.err.print(out.stderr());
                System.exit(out.exitCode());
            }
            default -> {
                System.err.println("Error: No such command for migrations: " + sub);
                System.exit(1);
            }
        }
    }
}
