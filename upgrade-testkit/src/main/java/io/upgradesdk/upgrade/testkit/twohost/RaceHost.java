package io.upgradesdk.upgrade.testkit.twohost;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.RetryPolicy;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.UpgradeStep;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One "host" of the two-host race: a separate JVM that opens the shared store and runs plans
 * when told to, over a line protocol on stdin/stdout (lines to the test start with {@code @@ }).
 *
 * <pre>
 * args:   &lt;HostStoreFactory class&gt; &lt;owner&gt; [setting=value ...]
 * out:    @@ READY &lt;pid&gt;
 * in:     RUN plan=&lt;id&gt; startAt=&lt;epoch ms&gt; leaseMs=.. lockWaitMs=.. steps=.. units=..
 *             unitSleepMs=.. effects=&lt;file&gt;
 * out:    @@ DONE outcome=&lt;SUCCEEDED|FAILED|..|EXCEPTION&gt; code=&lt;error code or -&gt;
 *             steps=&lt;outcome,..&gt; message=&lt;base64&gt;
 * in:     EXIT
 * </pre>
 *
 * <p>Every host builds the same plan for a plan id: {@code steps} steps of {@code units} units each;
 * a unit appends "{@code plan step unit owner}" to the effects file and saves the next unit as the
 * step's cursor, so a resumed step continues after the last saved unit.
 */
public final class RaceHost {

    private RaceHost() {
    }

    public static void main(String[] args) throws Exception {
        HostStoreFactory factory = (HostStoreFactory) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        String owner = args[1];
        Map<String, String> settings = parse(args, 2);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (CheckpointStore store = factory.open(settings)) {
            // Warm up (class loading, script cache) so that trials start at the same moment for real.
            Path warmup = Files.createTempFile("race-warmup", ".log");
            run(store, owner, parse(("RUN plan=warmup-" + owner + "-" + ProcessHandle.current().pid()
                    + " startAt=0 leaseMs=5000 lockWaitMs=0 steps=2 units=2 unitSleepMs=0 effects=" + warmup)
                    .split(" "), 1));
            Files.deleteIfExists(warmup);
            reply("READY " + ProcessHandle.current().pid());
            String line;
            while ((line = in.readLine()) != null && !line.equals("EXIT")) {
                if (line.startsWith("RUN ")) {
                    reply(run(store, owner, parse(line.split(" "), 1)));
                }
            }
        }
        System.exit(0);
    }

    private static String run(CheckpointStore store, String owner, Map<String, String> cmd) throws Exception {
        String planId = cmd.get("plan");
        int steps = Integer.parseInt(cmd.get("steps"));
        int units = Integer.parseInt(cmd.get("units"));
        long unitSleep = Long.parseLong(cmd.get("unitSleepMs"));
        Path effects = Path.of(cmd.get("effects"));
        UpgradePlan plan = plan(planId, steps, units, unitSleep, effects, owner);
        UpgradeRunner runner = UpgradeRunner.builder().store(store).owner(owner)
                .leaseDuration(Duration.ofMillis(Long.parseLong(cmd.get("leaseMs"))))
                .lockWait(Duration.ofMillis(Long.parseLong(cmd.get("lockWaitMs"))))
                .retryPolicy(RetryPolicy.custom().maxAttempts(5).initialBackoff(Duration.ofMillis(100)).build())
                .build();
        long startAt = Long.parseLong(cmd.get("startAt"));
        while (System.currentTimeMillis() < startAt - 2) {
            Thread.sleep(1);
        }
        while (System.currentTimeMillis() < startAt) {
            Thread.onSpinWait();
        }
        try {
            UpgradeReport report = runner.up(plan);
            String stepOutcomes = report.steps().stream().map(s -> s.outcome().name()).collect(Collectors.joining(","));
            String code = report.errorCode() == null ? "-" : report.errorCode();
            return "DONE outcome=" + report.outcome() + " code=" + code
                    + " steps=" + stepOutcomes + " message=" + encode(report.error());
        } catch (UpgradeException e) {
            return "DONE outcome=EXCEPTION code=" + e.code().id() + " steps=- message=" + encode(e.getMessage());
        }
    }

    /** The plan both hosts build for a plan id: its shape depends only on steps and units. */
    static UpgradePlan plan(String planId, int steps, int units, long unitSleepMs, Path effects, String owner) {
        UpgradePlan.Builder plan = UpgradePlan.builder(planId);
        for (int s = 1; s <= steps; s++) {
            String stepId = "step-" + s;
            plan.step(UpgradeStep.builder(stepId).execute(ctx -> {
                int from = ctx.cursor().map(Integer::parseInt).orElse(0);
                for (int u = from; u < units; u++) {
                    if (unitSleepMs > 0) {
                        Thread.sleep(unitSleepMs);
                    }
                    appendEffect(effects, planId + " " + stepId + " " + u + " " + owner);
                    ctx.saveCursor(Integer.toString(u + 1));
                }
            }).build());
        }
        return plan.build();
    }

    private static synchronized void appendEffect(Path effects, String line) throws IOException {
        Files.writeString(effects, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private static Map<String, String> parse(String[] args, int from) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            map.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return map;
    }

    private static String encode(String text) {
        return text == null ? "-" : Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(String line) {
        System.out.println("@@ " + line);
        System.out.flush();
    }
}
