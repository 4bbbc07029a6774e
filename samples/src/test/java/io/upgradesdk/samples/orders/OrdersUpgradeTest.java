package io.upgradesdk.samples.orders;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThatUpgradeExceptionThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepState;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.UpgradePlan;
import io.upgradesdk.upgrade.UpgradeReport.StepOutcome;
import io.upgradesdk.upgrade.testkit.CrashPoint;
import io.upgradesdk.upgrade.testkit.MutableClock;
import io.upgradesdk.upgrade.testkit.PlanState;
import io.upgradesdk.upgrade.testkit.UpgradeTestExtension;
import io.upgradesdk.upgrade.testkit.UpgradeTestKit;
import io.upgradesdk.upgrade.testkit.UpgradeTestRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mockito;

/**
 * The orders plan tested with the testkit, as a host tests its own plan: 10 orders copied in
 * pages of 3 (cursors 3, 6, 9, 10), a registry that may fail, a confirmation, a rollback.
 */
@ExtendWith(UpgradeTestExtension.class)
class OrdersUpgradeTest {

    private final FakeOrdersDatabase database = new FakeOrdersDatabase(10);
    private int registryFailures;
    private int registrations;
    private final SchemaRegistry registry = (table, version) -> {
        if (registryFailures > 0) {
            registryFailures--;
            throw new IOException("registry: connection reset");
        }
        registrations++;
    };
    private final UpgradePlan plan = new OrdersUpgrade(database, registry, 3).plan();

    @Test
    void upCopiesEveryOrderPageByPageAndKeepsV1(UpgradeTestRunner t) {
        assertThat(t.up(plan)).succeeded()
                .hasStepOutcomes(StepOutcome.SUCCEEDED, StepOutcome.SUCCEEDED, StepOutcome.SUCCEEDED);

        assertThat(t.cursorsSaved("copy-orders")).containsExactly("3", "6", "9", "10");
        assertThat(database.v2Ids()).isEqualTo(LongStream.rangeClosed(1, 10).boxed().toList());
        assertThat(database.hasV1()).isTrue();
        assertThat(t.checkpoint(plan)).hasStates(StepState.SUCCEEDED, StepState.SUCCEEDED, StepState.SUCCEEDED,
                StepState.PENDING);
    }

    @Test
    void aRegistryThatFailsOnceIsRetriedWithoutWaitingForReal(UpgradeTestRunner t) {
        registryFailures = 1;

        assertThat(t.up(plan)).succeeded().step("register-schema").succeededAfterAttempts(2);

        assertThat(t.waits()).containsExactly(Duration.ofMillis(500));
        assertThat(t.events()).hasRetries("register-schema", 1);
        assertThat(registrations).isEqualTo(1);
    }

    @Test
    void aRegistryThatStaysDownFailsTheRunAndTheRerunSkipsTheCopy(UpgradeTestRunner t) {
        registryFailures = 3;

        assertThat(t.up(plan)).failed().hasErrorCode(UpgradeErrorCode.STEP_FAILED)
                .step("register-schema").failed().hasAttempts(3);

        assertThat(t.up(plan)).succeeded().step("copy-orders").hasOutcome(StepOutcome.ALREADY_DONE);
        assertThat(database.v2Writes.values()).containsOnly(1);
    }

    @Test
    void anInterruptedCopyResumesAfterItsCursor(UpgradeTestRunner t) throws Exception {
        database.upsertV2(database.readV1After(0, 6)); // what the interrupted run had copied
        database.v2Writes.clear();
        t.given(PlanState.of(plan).interruptedAt("copy-orders", "6"));

        assertThat(t.up(plan)).succeeded();

        assertThat(database.v2Writes.keySet()).containsExactlyInAnyOrder(7L, 8L, 9L, 10L);
        assertThat(t.events().ofType(UpgradeEvent.StepStarted.class).get(0).resumeCursor()).isEqualTo("6");
    }

    @Test
    void killedAfterTheSecondPageTheRerunCopiesEachOrderOnce(UpgradeTestRunner t) {
        UpgradeTestRunner.CrashedRun crash = t.crashAt(CrashPoint.afterCursorSave("copy-orders", 2)).up(plan);
        assertThat(crash.checkpoint().orElseThrow()).step("copy-orders").hasState(StepState.RUNNING).hasCursor("6");

        assertThat(t.letLeaseExpire(plan).up(plan)).succeeded();

        assertThat(database.v2Writes).hasSize(10).allSatisfy((id, writes) -> assertThat(writes).isEqualTo(1));
    }

    @Test
    void killedBeforeAPageIsSavedTheRerunWritesThatPageAgainHarmlessly(UpgradeTestRunner t) {
        t.crashAt(CrashPoint.beforeCursorSave("copy-orders", 2)).up(plan);

        assertThat(t.letLeaseExpire(plan).up(plan)).succeeded();

        assertThat(database.v2Writes).containsEntry(4L, 2).containsEntry(1L, 1).containsEntry(7L, 1);
        assertThat(database.countV2()).isEqualTo(10);
    }

    @Test
    void dropOfV1WaitsForAConfirmation(UpgradeTestRunner t) {
        t.up(plan);

        assertThat(t.finish(plan)).awaitsConfirmation();
        assertThat(database.hasV1()).isTrue();

        t.answerConfirmations(true);
        assertThat(t.finish(plan)).succeeded().step("drop-orders-v1").succeeded();
        assertThat(database.hasV1()).isFalse();
        assertThat(t.confirmationsAsked()).hasSize(2);
    }

    @Test
    void rollbackDropsV2BeforeFinishAndIsRefusedAfter(UpgradeTestRunner t) {
        t.up(plan);

        assertThat(t.rollback(plan)).succeeded().step("copy-orders").hasOutcome(StepOutcome.COMPENSATED);
        assertThat(database.hasV2()).isFalse();

        t.answerConfirmations(true).run(plan);
        assertThatUpgradeExceptionThrownBy(() -> t.rollback(plan)).hasCode(UpgradeErrorCode.ROLLBACK_REFUSED);
    }

    @Test
    void aRollbackKilledInsideTheCompensationIsFinishedByTheNextOne(UpgradeTestRunner t) {
        t.up(plan);

        t.crashAt(CrashPoint.inCompensation("copy-orders")).rollback(plan);
        assertThat(t.checkpoint(plan)).step("copy-orders").hasState(StepState.SUCCEEDED);

        assertThat(t.letLeaseExpire(plan).rollback(plan)).succeeded();
        assertThat(t.checkpoint(plan)).step("copy-orders").hasState(StepState.COMPENSATED);
    }

    @Test
    void anotherHostHoldingTheLeaseIsARefusalNotAFailure(UpgradeTestRunner t) {
        t.given(PlanState.of(plan).leaseHeldBy("host-b"));

        assertThatUpgradeExceptionThrownBy(() -> t.up(plan)).hasCode(UpgradeErrorCode.LOCK_HELD)
                .hasMessageContaining("host-b");
        assertThat(database.hasV2()).isFalse();
    }

    /** A Mockito mock of the store: stub acquireLease with a real lease for the plan (and renewLease). */
    @Test
    void aMockedStoreNeedsOnlyALease() {
        CheckpointStore store = mock(CheckpointStore.class);
        given(store.acquireLease(eq(OrdersUpgrade.PLAN_ID), anyString(), any())).willAnswer(call ->
                new Lease(OrdersUpgrade.PLAN_ID, call.getArgument(1), 1,
                        MutableClock.atEpochOfTests().instant().plus(call.<Duration>getArgument(2))));
        given(store.renewLease(any(), any())).willAnswer(call -> call.getArgument(0));
        UpgradeTestRunner t = UpgradeTestKit.runner().store(store).build();

        assertThat(t.up(plan)).succeeded();

        verify(store, atLeastOnce()).save(any(), any());
        verify(store).releaseLease(any());
    }

    /** A spy on the real in-memory store: no stubbing needed; here one save fails transiently. */
    @Test
    void aSpiedStoreWhoseSaveFailsOnceIsRetried() {
        UpgradeTestRunner t = UpgradeTestKit.runner().wrapStore(Mockito::spy).build();
        willThrow(new UpgradeException(UpgradeErrorCode.STORE_UNAVAILABLE, "store down for a moment"))
                .willCallRealMethod().given(t.store()).save(any(), any());

        assertThat(t.up(plan)).succeeded();

        assertThat(t.waits()).hasSize(1);
        assertThat(t.checkpoint(plan)).step("verify-counts").hasState(StepState.SUCCEEDED);
    }
}
