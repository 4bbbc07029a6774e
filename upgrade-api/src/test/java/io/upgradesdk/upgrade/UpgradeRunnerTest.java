package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.UpgradeReport.Outcome;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The runner's behaviour end to end, on the in-memory store. */
class UpgradeRunnerTest {

    private final TestClock clock = new TestClock();
    private final InMemoryCheckpointStore store = new InMemoryCheckpointStore(clock);
    private final List<UpgradeEvent> events = new ArrayList<>();
    private final List<String> executed = new ArrayList<>();

    private UpgradeRunner.Builder runner(String owner) {
        return UpgradeRunner.builder().store(store).owner(owner).clock(clock).sleeper(d -> clock.advance(d))
                .heartbeat(false).listener(events::add)
                .retryPolicy(RetryPolicy.custom().initialBackoff(Duration.ZERO).jitter(0).build());
    }

    private UpgradeRunner runner() {
        return runner("host-a").build();
    }

    private StepBuilder step(String id) {
        return UpgradeStep.builder(id).description("does " + id).execute(ctx -> executed.add(id));
    }

    private UpgradePlan threePhasePlan() {
        return UpgradePlan.builder("plan")
                .step(step("copy").compensation(ctx -> executed.add("undo copy")).build())
                .step(step("switch").compensation(ctx -> executed.add("undo switch")).build())
                .step(step("destroy").phase(Phase.FINISH).pointOfNoReturn().build())
                .build();
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Nested
    class Previewing {

        @Test
        void changesNothingAndSaysWhatWouldHappen() {
            UpgradePlan plan = UpgradePlan.builder("plan")
                    .step(step("copy").dryRun(ctx -> List.of(PlannedAction.of("copy", "users", Map.of("documents", "12"))))
                            .build())
                    .step(step("destroy").phase(Phase.FINISH).pointOfNoReturn().build())
                    .build();

            Preview preview = runner().preview(plan);

            assertThat(executed).isEmpty();
            assertThat(store.load("plan")).isEmpty();
            assertThat(store.currentLease("plan")).isEmpty();
            assertThat(preview.items()).extracting(Preview.Item::action)
                    .containsExactly(Preview.Action.RUN, Preview.Action.RUN);
            assertThat(preview.items().get(0).plannedActions()).containsExactly(
                    PlannedAction.of("copy", "users", Map.of("documents", "12")));
            assertThat(preview.requiresConfirmation()).isTrue();
            assertThat(preview.toString()).contains("confirmation will be asked", "would copy users");
            assertThat(readJson(preview.toJson()).path("requiresConfirmation").asBoolean()).isTrue();
        }

        @Test
        void showsWhatIsDoneAndWhereAnInterruptedStepResumes() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(step("done").build())
                    .step(UpgradeStep.builder("copy").execute(ctx -> {
                        ctx.saveCursor("doc-7");
                        throw new IllegalStateException("disk full");
                    }).build())
                    .build();
            runner().up(plan);

            Preview preview = runner().preview(plan);

            assertThat(preview.items()).extracting(Preview.Item::action)
                    .containsExactly(Preview.Action.ALREADY_DONE, Preview.Action.RESUME);
            assertThat(preview.items().get(1).cursor()).isEqualTo("doc-7");
            assertThat(preview.pending()).extracting(Preview.Item::stepId).containsExactly("copy");
        }

        @Test
        void aDryRunThatTriesToSaveACursorIsReportedNotObeyed() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(step("sneaky").dryRun(ctx -> {
                ctx.saveCursor("x");
                return List.of();
            }).build()).build();

            Preview preview = runner().preview(plan);

            assertThat(preview.warnings()).singleElement().asString().contains("sneaky", "dry run");
            assertThat(store.load("plan")).isEmpty();
        }
    }

    @Nested
    class Phases {

        @Test
        void upRunsOnlyUpStepsAndFinishTheRest() {
            UpgradePlan plan = threePhasePlan();

            assertThat(runner().up(plan).outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(executed).containsExactly("copy", "switch");

            UpgradeRunner confirmed = runner("host-a").confirmation(Confirmation.givenInAdvance()).build();
            assertThat(confirmed.finish(plan).outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(executed).containsExactly("copy", "switch", "destroy");
            assertThat(confirmed.status(plan).isComplete()).isTrue();
        }

        @Test
        void finishBeforeUpIsRefusedAndChangesNothing() {
            UpgradePlan plan = threePhasePlan();

            assertThatThrownBy(() -> runner().finish(plan))
                    .isInstanceOf(UpgradeException.class)
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.PHASE_ORDER))
                    .hasMessageContaining("[copy, switch]").hasMessageContaining("Run up first");
            assertThat(executed).isEmpty();
            assertThat(store.load("plan")).isEmpty();
            assertThat(store.currentLease("plan")).isEmpty();
        }

        @Test
        void aSecondRunAfterSuccessRunsNothing() {
            UpgradePlan plan = threePhasePlan();
            UpgradeRunner confirmed = runner("host-a").confirmation(Confirmation.givenInAdvance()).build();
            confirmed.run(plan);
            executed.clear();

            UpgradeReport again = confirmed.run(plan);

            assertThat(executed).isEmpty();
            assertThat(again.steps()).extracting(UpgradeReport.StepReport::outcome).containsOnly(StepOutcome.ALREADY_DONE);
        }

        @Test
        void anInteractiveConfirmationSeesTheQuestion() {
            AtomicReference<String> asked = new AtomicReference<>();
            UpgradeRunner interactive = runner("host-a").confirmation(request -> {
                asked.set(request.question());
                return true;
            }).build();

            interactive.run(threePhasePlan());

            assertThat(asked.get()).contains("destroy", "point of no return");
            assertThat(events).filteredOn(UpgradeEvent.ConfirmationAnswered.class::isInstance)
                    .singleElement().extracting(e -> ((UpgradeEvent.ConfirmationAnswered) e).confirmed()).isEqualTo(true);
        }
    }

    @Nested
    class Rollback {

        @Test
        void runsCompensationsOfCompletedUpStepsInReverseOrder() {
            UpgradePlan plan = threePhasePlan();
            runner().up(plan);
            executed.clear();

            UpgradeReport report = runner().rollback(plan);

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(executed).containsExactly("undo switch", "undo copy");
            assertThat(runner().status(plan).step("copy").state()).isEqualTo(StepState.COMPENSATED);
        }

        @Test
        void afterRollbackUpRunsTheStepsAgain() {
            UpgradePlan plan = threePhasePlan();
            runner().up(plan);
            runner().rollback(plan);
            executed.clear();

            runner().up(plan);

            assertThat(executed).containsExactly("copy", "switch");
        }

        @Test
        void isRefusedOnceTheFinishPhaseHasRun() {
            UpgradePlan plan = threePhasePlan();
            runner("host-a").confirmation(Confirmation.givenInAdvance()).build().run(plan);

            assertThatThrownBy(() -> runner().rollback(plan))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.ROLLBACK_REFUSED))
                    .hasMessageContaining("destroy");
        }

        @Test
        void stepsWithoutCompensationAreReportedAndResetToRunAgain() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(step("check").build())
                    .step(step("copy").compensation(ctx -> executed.add("undo copy")).build()).build();
            runner().up(plan);

            UpgradeReport report = runner().rollback(plan);

            assertThat(report.step("check").orElseThrow().outcome()).isEqualTo(StepOutcome.NOT_COMPENSABLE);
            assertThat(report.step("copy").orElseThrow().outcome()).isEqualTo(StepOutcome.COMPENSATED);
            assertThat(runner().status(plan).step("check").state()).isEqualTo(StepState.PENDING);
        }
    }

    @Nested
    class Fingerprint {

        @Test
        void aCheckpointOfAChangedPlanIsRefused() {
            runner().up(UpgradePlan.builder("plan").step(step("a").build()).build());
            UpgradePlan changed = UpgradePlan.builder("plan").step(step("a").build()).step(step("b").build()).build();

            assertThatThrownBy(() -> runner().up(changed))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.FINGERPRINT_MISMATCH))
                    .hasMessageContaining("adoptCheckpointOfChangedPlan");
            assertThat(store.currentLease("plan")).isEmpty();
        }

        @Test
        void canBeAdoptedExplicitlyKeepingDoneSteps() {
            runner().up(UpgradePlan.builder("plan").step(step("a").build()).build());
            UpgradePlan changed = UpgradePlan.builder("plan").step(step("a").build()).step(step("b").build()).build();
            executed.clear();

            runner("host-a").adoptCheckpointOfChangedPlan(true).build().up(changed);

            assertThat(executed).containsExactly("b");
            assertThat(store.load("plan").orElseThrow().fingerprint()).isEqualTo(changed.fingerprint());
        }

        @Test
        void dependsOnIdsPhasesAndVersionsNotOnDescriptions() {
            UpgradePlan one = UpgradePlan.builder("p").step(step("a").description("x").build()).build();
            UpgradePlan sameShape = UpgradePlan.builder("p").step(step("a").description("y").build()).build();
            UpgradePlan newVersion = UpgradePlan.builder("p").step(step("a").version(2).build()).build();

            assertThat(one.fingerprint()).isEqualTo(sameShape.fingerprint()).startsWith("v1:");
            assertThat(one.fingerprint()).isNotEqualTo(newVersion.fingerprint());
        }
    }

    @Nested
    class Recovery {

        @Test
        void markDoneRecordsWhoWhenAndWhy() {
            UpgradePlan plan = threePhasePlan();

            PlanStatus status = runner().markDone(plan, "copy", OperatorNote.by("alice", "copied by hand, OPS-12"));

            assertThat(status.step("copy").state()).isEqualTo(StepState.SUCCEEDED);
            assertThat(status.audit()).singleElement().satisfies(entry -> {
                assertThat(entry.by()).isEqualTo("alice");
                assertThat(entry.action()).isEqualTo("MARK_DONE");
                assertThat(entry.stepId()).isEqualTo("copy");
                assertThat(entry.reason()).isEqualTo("copied by hand, OPS-12");
                assertThat(entry.at()).isEqualTo(clock.instant());
            });
            runner().up(plan);
            assertThat(executed).containsExactly("switch");
        }

        @Test
        void markSkippedKeepsTheStepFromRunning() {
            UpgradePlan plan = threePhasePlan();
            runner().markSkipped(plan, "switch", OperatorNote.by("bob", "switch is done by the load balancer team"));

            UpgradeReport report = runner().up(plan);

            assertThat(executed).containsExactly("copy");
            assertThat(report.step("switch").orElseThrow().outcome()).isEqualTo(StepOutcome.SKIPPED);
        }

        @Test
        void forceReleaseLockLetsANewRunStartAndFencesTheOldHolder() {
            UpgradePlan plan = threePhasePlan();
            Lease stale = store.acquireLease("plan", "dead-host", Duration.ofHours(1));

            PlanStatus status = runner().forceReleaseLock(plan, OperatorNote.by("carol", "dead-host was decommissioned"));

            assertThat(status.audit()).singleElement().satisfies(entry -> {
                assertThat(entry.action()).isEqualTo("FORCE_RELEASE_LOCK");
                assertThat(entry.reason()).contains("dead-host was decommissioned", "lease of 'dead-host'");
            });
            assertThat(runner().up(plan).isSuccess()).isTrue();
            assertThatThrownBy(() -> store.save(Checkpoint.start(plan, clock.instant()), stale))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST));
        }

        @Test
        void recoveryNeedsAReason() {
            assertThatThrownBy(() -> OperatorNote.by("alice", " "))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION));
        }

        @Test
        void markingAnUnknownStepNamesTheKnownOnes() {
            assertThatThrownBy(() -> runner().markDone(threePhasePlan(), "nope", OperatorNote.by("a", "b")))
                    .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.UNKNOWN_STEP))
                    .hasMessageContaining("[copy, switch, destroy]");
        }
    }

    @Nested
    class LeaseHandling {

        @Test
        void aSecondConcurrentRunFailsFastNamingTheHolder() {
            AtomicReference<Throwable> second = new AtomicReference<>();
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("long").execute(ctx -> {
                try {
                    runner("host-b").build().up(UpgradePlan.builder("plan").step(step("long").build()).build());
                } catch (UpgradeException e) {
                    second.set(e);
                }
            }).build()).build();

            runner().up(plan);

            assertThat(second.get()).isInstanceOf(UpgradeException.class).hasMessageContaining("host-a");
            assertThat(((UpgradeException) second.get()).code()).isEqualTo(UpgradeErrorCode.LOCK_HELD);
        }

        @Test
        void aRunWhoseLeaseWasTakenOverStopsAtItsNextWrite() {
            UpgradePlan plan = UpgradePlan.builder("plan")
                    .step(UpgradeStep.builder("slow").execute(ctx -> {
                        clock.advance(Duration.ofMinutes(5));
                        store.acquireLease("plan", "host-b", Duration.ofMinutes(1));
                    }).build())
                    .step(step("next").build())
                    .build();

            UpgradeReport report = runner("host-a").leaseDuration(Duration.ofSeconds(30)).build().up(plan);

            assertThat(report.errorCode()).isEqualTo("UPGRADE_LEASE_LOST");
            assertThat(report.error()).contains("host-b");
            assertThat(executed).isEmpty();
            assertThat(store.currentLease("plan").orElseThrow().owner()).isEqualTo("host-b");
        }

        @Test
        void theLeaseIsRenewedWhileTheRunWrites() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
                for (int i = 0; i < 10; i++) {
                    clock.advance(Duration.ofSeconds(20));
                    ctx.saveCursor(String.valueOf(i));
                }
            }).build()).build();

            UpgradeReport report = runner("host-a").leaseDuration(Duration.ofSeconds(30)).build().up(plan);

            assertThat(report.isSuccess()).isTrue();
        }

        @Test
        void theLeaseIsReleasedAfterTheRun() {
            runner().up(threePhasePlan());

            assertThat(store.currentLease("plan")).isEmpty();
        }
    }

    @Nested
    class SecretHandling {

        private final Secret password = Secret.of("es.password", "s3cr3t-pw");

        @Test
        void neverReachEventsReportsOrCheckpoints() {
            UpgradePlan plan = UpgradePlan.builder("plan").secret(password).step(UpgradeStep.builder("login")
                    .execute(ctx -> {
                        ctx.progress(1, 2, "logging in with " + ctx.secret("es.password").reveal());
                        throw new IllegalStateException("auth failed for elastic:" + ctx.secret("es.password").reveal());
                    }).build()).build();

            UpgradeReport report = runner().up(plan);

            assertThat(events.toString()).doesNotContain("s3cr3t-pw").contains("****");
            assertThat(report.toJson()).doesNotContain("s3cr3t-pw").contains("auth failed for elastic:****");
            assertThat(store.load("plan").orElseThrow().toJson()).doesNotContain("s3cr3t-pw");
            assertThatThrownBy(report::throwIfFailed).satisfies(e -> {
                assertThat(e.getMessage()).doesNotContain("s3cr3t-pw");
                assertThat(e.getCause()).isNull();
            });
            assertThat(password.toString()).doesNotContain("s3cr3t-pw");
        }

        @Test
        void aCursorHoldingASecretIsRefusedAndNotStored() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("leaky")
                    .execute(ctx -> ctx.saveCursor("token=" + ctx.secret("es.password").reveal())).build()).build();

            UpgradeReport report = runner("host-a").secret(password).build().up(plan);

            assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(report.error()).contains("es.password").doesNotContain("s3cr3t-pw");
            assertThat(store.load("plan").orElseThrow().toJson()).doesNotContain("s3cr3t-pw");
        }

        @Test
        void anUnknownSecretNameSaysHowToRegisterIt() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("login")
                    .execute(ctx -> ctx.secret("kong.token")).build()).build();

            UpgradeReport report = runner().up(plan);

            assertThat(report.error()).contains("kong.token", "UpgradeRunner.builder().secret");
        }
    }

    @Nested
    class Reports {

        @Test
        void serialiseOutcomeAttemptsAndDurationsPerStep() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("timed")
                    .execute(ctx -> clock.advance(Duration.ofMillis(1500))).build()).build();

            UpgradeReport report = runner().up(plan);

            com.fasterxml.jackson.databind.JsonNode json = readJson(report.toJson());
            assertThat(json.path("outcome").asText()).isEqualTo("SUCCEEDED");
            com.fasterxml.jackson.databind.JsonNode step = json.path("steps").get(0);
            assertThat(step.path("stepId").asText()).isEqualTo("timed");
            assertThat(step.path("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(step.path("attempts").asInt()).isEqualTo(1);
            assertThat(step.path("durationMillis").asLong()).isEqualTo(1500);
        }

        @Test
        void aFailingListenerDoesNotStopTheRun() {
            UpgradeRunner runner = runner("host-a").listener(event -> {
                throw new IllegalStateException("listener bug");
            }).build();

            assertThat(runner.up(threePhasePlan()).isSuccess()).isTrue();
        }

        @Test
        void progressEventsCarryTheStepsFigures() {
            UpgradePlan plan = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy")
                    .execute(ctx -> ctx.progress(50, 200, "documents")).build()).build();

            runner().up(plan);

            assertThat(events).filteredOn(UpgradeEvent.StepProgress.class::isInstance).singleElement()
                    .satisfies(e -> {
                        UpgradeEvent.StepProgress p = (UpgradeEvent.StepProgress) e;
                        assertThat(p.done()).isEqualTo(50);
                        assertThat(p.total()).isEqualTo(200);
                    });
        }
    }
}
