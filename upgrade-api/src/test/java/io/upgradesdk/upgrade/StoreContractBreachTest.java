package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * A store that answers against the {@link CheckpointStore} contract (here a Mockito mock stubbed
 * that way, or not stubbed at all) is reported in those terms: STORE_CONTRACT_BROKEN naming the
 * store class, the call and the rule, never a NullPointerException from the runner's internals.
 */
class StoreContractBreachTest {

    private final TestClock clock = new TestClock();
    private final CheckpointStore store = mock(CheckpointStore.class);
    private final List<UpgradeEvent> events = new ArrayList<>();
    private final List<String> executed = new ArrayList<>();
    private final Lease lease = new Lease("plan", "host-a", 7, clock.instant().plusSeconds(60));
    private final UpgradePlan plan = UpgradePlan.builder("plan")
            .step(UpgradeStep.builder("copy").execute(ctx -> executed.add("copy")).build()).build();

    private UpgradeRunner.Builder runner() {
        return UpgradeRunner.builder().store(store).owner("host-a").clock(clock).sleeper(d -> { })
                .heartbeat(false).listener(events::add).leaseDuration(Duration.ofSeconds(60));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertBroken(Throwable thrown, String... parts) {
        return assertThat(thrown).isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.STORE_CONTRACT_BROKEN))
                .satisfies(e -> assertThat(((UpgradeException) e).code().isTransient()).isFalse())
                .hasMessageContaining(CheckpointStore.class.getName()) // the mock's class is named after it
                .hasMessageContainingAll(parts)
                .hasMessageContaining("Fix the store");
    }

    private Throwable thrownByUp() {
        return catchThrowable(() -> runner().build().up(plan));
    }

    @Test
    void aMockWithNoStubbingIsReportedAsANullLeaseNotAsANullPointerException() {
        assertBroken(thrownByUp(), "acquireLease(\"plan\", \"host-a\", PT1M) returned null",
                "must return the lease it granted", "LOCK_HELD", "stub this call");
        assertThat(executed).isEmpty();
        verify(store, never()).save(any(), any());
    }

    @Test
    void aLeaseForAnotherPlanIsRefused() {
        given(store.acquireLease(anyString(), anyString(), any()))
                .willReturn(new Lease("other-plan", "host-a", 7, lease.expiresAt()));

        assertBroken(thrownByUp(), "returned a lease of plan 'other-plan' for owner 'host-a'", "for that plan and owner");
        assertThat(executed).isEmpty();
    }

    @Test
    void aLeaseForAnotherOwnerIsRefused() {
        given(store.acquireLease(anyString(), anyString(), any()))
                .willReturn(new Lease("plan", "host-b", 7, lease.expiresAt()));

        assertBroken(thrownByUp(), "returned a lease of plan 'plan' for owner 'host-b'");
        assertThat(executed).isEmpty();
    }

    @Test
    void aNullOptionalFromLoadIsRefusedAndTheLeaseReleased() {
        given(store.acquireLease(anyString(), anyString(), any())).willReturn(lease);
        given(store.load("plan")).willReturn(null);

        assertBroken(thrownByUp(), "load(\"plan\") returned null", "Optional.empty()");
        assertThat(executed).isEmpty();
        verify(store).releaseLease(lease);
    }

    @Test
    void aNullOptionalFromCurrentLeaseIsRefusedByStatusAndPreview() {
        given(store.load("plan")).willReturn(Optional.empty());
        given(store.currentLease("plan")).willReturn(null);

        assertBroken(catchThrowable(() -> runner().build().status(plan)),
                "currentLease(\"plan\") returned null", "Optional.empty()");
        assertBroken(catchThrowable(() -> runner().build().preview(plan)),
                "currentLease(\"plan\") returned null");
    }

    @Test
    void aRenewalThatReturnsNullIsRefusedBeforeTheNextWrite() {
        Lease expiringSoon = new Lease("plan", "host-a", 7, clock.instant().plusSeconds(10));
        given(store.acquireLease(anyString(), anyString(), any())).willReturn(expiringSoon);
        given(store.load("plan")).willReturn(Optional.empty());
        given(store.renewLease(any(), any())).willReturn(null);

        assertBroken(thrownByUp(), "renewLease(lease of plan 'plan' with token 7, PT1M) returned null",
                "same lease (plan, owner and token)", "LEASE_LOST");
        verify(store, never()).save(any(), any());
        assertThat(events).filteredOn(UpgradeEvent.PlanFinished.class::isInstance).hasSize(1);
    }

    @Test
    void aRenewalThatReturnsAnotherTokenIsRefused() {
        Lease expiringSoon = new Lease("plan", "host-a", 7, clock.instant().plusSeconds(10));
        given(store.acquireLease(anyString(), anyString(), any())).willReturn(expiringSoon);
        given(store.load("plan")).willReturn(Optional.empty());
        given(store.renewLease(any(), any())).willReturn(new Lease("plan", "host-a", 8, clock.instant().plusSeconds(60)));

        assertBroken(thrownByUp(), "returned the lease of plan 'plan' for owner 'host-a' with token 8");
        verify(store, never()).save(any(), any());
    }

    @Test
    void aBrokenRenewalFromTheHeartbeatStopsTheRunAtItsNextWrite() {
        given(store.acquireLease(anyString(), anyString(), any())).willReturn(lease);
        given(store.load("plan")).willReturn(Optional.empty());
        given(store.renewLease(any(), any())).willReturn(null);
        UpgradePlan waiting = UpgradePlan.builder("plan").step(UpgradeStep.builder("copy").execute(ctx -> {
            clock.advance(Duration.ofSeconds(21)); // the heartbeat renews every 20 s
            ctx.saveCursor("after the renewal");
            executed.add("after the renewal");
        }).build()).build();
        UpgradeRunner runner = runner().heartbeat(true).scheduler(new ClockDrivenScheduler(clock)).build();

        assertBroken(catchThrowable(() -> runner.up(waiting)), "returned null");
        assertThat(executed).isEmpty();
        verify(store, never()).save(org.mockito.ArgumentMatchers.argThat(
                c -> "after the renewal".equals(c.step("copy").cursor())), any());
    }

    @Test
    void aStoreThatKeepsTheContractNeedsOnlyTheLeaseStubbed() {
        given(store.acquireLease(anyString(), anyString(), any())).willReturn(lease);

        UpgradeReport report = runner().build().up(plan);

        assertThat(report.isSuccess()).isTrue();
        assertThat(executed).containsExactly("copy");
    }
}
