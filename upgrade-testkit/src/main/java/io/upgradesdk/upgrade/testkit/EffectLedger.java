package io.upgradesdk.upgrade.testkit;

import static java.util.Objects.requireNonNull;

import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A durable list of applied effects, one line each, for steps under test: a step appends an
 * effect when it applies it, and the test checks afterwards that every effect was applied exactly
 * once, however often the run was killed. One append is one {@code write} call, so a killed
 * process leaves whole lines.
 *
 * <pre>{@code
 * EffectLedger ledger = EffectLedger.at(work.resolve("effects"));
 * if (!ledger.contains("order-" + id)) ledger.apply("order-" + id);     // idempotent
 * ledger.assertEachAppliedOnce(expected);                                 // in the test
 * }</pre>
 */
public final class EffectLedger {

    private final Path file;

    private EffectLedger(Path file) {
        this.file = file;
    }

    public static EffectLedger at(Path file) {
        return new EffectLedger(requireNonNull(file, "file"));
    }

    /** Records one application of {@code effect} (no line breaks). */
    public synchronized void apply(String effect) {
        if (effect.contains("\n")) {
            throw new UpgradeException(UpgradeErrorCode.INVALID_CONFIGURATION,
                    "an effect is one line: " + effect);
        }
        try {
            Files.writeString(file, effect + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the effect ledger " + file, e);
        }
    }

    /** Whether {@code effect} was applied at least once. */
    public boolean contains(String effect) {
        return effects().contains(effect);
    }

    /** Every application, oldest first. */
    public List<String> effects() {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the effect ledger " + file, e);
        }
    }

    /** How many times each effect was applied, in order of first application. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        effects().forEach(e -> counts.merge(e, 1, Integer::sum));
        return counts;
    }

    /**
     * Fails, naming each offender, unless every expected effect was applied exactly once and no
     * other effect was applied.
     */
    public void assertEachAppliedOnce(Collection<String> expected) {
        Map<String, Integer> counts = counts();
        List<String> problems = new ArrayList<>();
        for (String effect : expected) {
            int times = counts.getOrDefault(effect, 0);
            if (times != 1) {
                problems.add("effect '" + effect + "' was applied " + times + " times");
            }
        }
        counts.keySet().stream().filter(e -> !expected.contains(e))
                .forEach(e -> problems.add("effect '" + e + "' was not expected"));
        if (!problems.isEmpty()) {
            throw new AssertionError("expected every effect applied exactly once, but " + String.join("; ", problems)
                    + " (ledger " + file + ")");
        }
    }
}
