package io.upgradesdk.upgrade.elasticsearch;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.StepContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A plain StepContext for running one step directly in a test: starts from {@link #cursor} (null:
 * from the beginning) and records every progress report and every cursor saved.
 */
public final class TestContext implements StepContext {

    public final List<String> progress = new ArrayList<>();
    /** Every progress report's (done, total), in order. */
    public final List<long[]> counts = new ArrayList<>();
    public final List<String> saved = new ArrayList<>();
    public String cursor;

    public TestContext() {
    }

    /** A context resuming from {@code cursor}, as a checkpoint written earlier holds it. */
    public static TestContext resumingFrom(String cursor) {
        TestContext ctx = new TestContext();
        ctx.cursor = cursor;
        return ctx;
    }

    @Override
    public String planId() {
        return "test";
    }

    @Override
    public String stepId() {
        return "step";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public boolean isDryRun() {
        return false;
    }

    @Override
    public Optional<String> cursor() {
        return Optional.ofNullable(cursor);
    }

    @Override
    public void saveCursor(String c) {
        cursor = c;
        saved.add(c);
    }

    @Override
    public void progress(long done, long total, String message) {
        counts.add(new long[] {done, total});
        progress.add(message);
    }

    @Override
    public Secret secret(String name) {
        throw new IllegalArgumentException(name);
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }
}
