package io.upgradesdk.upgrade.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void aZeroNegativeOrMissingLeaseDurationIsRefusedBeforeAnythingIsRecorded() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-5), null}) {
            assertThatThrownBy(() -> LeaseRules.acquire(null, 0, "plan", "host", bad, NOW))
                    .satisfies(e -> assertThat(((UpgradeException) e).code())
                            .isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION))
                    .hasMessageContaining("lease duration must be positive");
            Lease held = new Lease("plan", "host", 1, NOW.plus(MINUTE));
            assertThatThrownBy(() -> LeaseRules.renew(held, held, bad, NOW))
                    .satisfies(e -> assertThat(((UpgradeException) e).code())
                            .isEqualTo(UpgradeErrorCode.INVALID_CONFIGURATION));
        }
        LeaseRules.checkDuration(Duration.ofNanos(1));
    }

    @Test
    void anAcquisitionTakesTheNextTokenAndExpiresADurationFromNow() {
        Lease lease = LeaseRules.acquire(null, 41, "plan", "host", MINUTE, NOW);

        assertThat(lease).isEqualTo(new Lease("plan", "host", 42, NOW.plus(MINUTE)));
    }

    @Test
    void aLeaseExpiringExactlyNowCanBeTakenOverButOneExpiringLaterCannot() {
        Lease expiringNow = new Lease("plan", "old", 3, NOW);
        Lease expiringLater = new Lease("plan", "old", 3, NOW.plusMillis(1));

        assertThat(LeaseRules.acquire(expiringNow, 3, "plan", "new", MINUTE, NOW).token()).isEqualTo(4);
        assertThatThrownBy(() -> LeaseRules.acquire(expiringLater, 3, "plan", "new", MINUTE, NOW))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LOCK_HELD));
    }

    @Test
    void lockHeldNamesTheHolderItsTokenExpiryAndTheSecondsLeft() {
        Lease holder = new Lease("plan", "host-a", 7, NOW.plusSeconds(90));

        assertThat(LeaseRules.lockHeld(holder, NOW).getMessage())
                .contains("'host-a'", "lease token 7", "expires at " + NOW.plusSeconds(90), "in 90 s",
                        "forceReleaseLock");
        assertThat(LeaseRules.lockHeld(holder, null).getMessage()).doesNotContain(" s)").contains("token 7");
    }

    @Test
    void aRenewalKeepsTheTokenAndMovesTheExpiryToADurationFromNow() {
        Lease held = new Lease("plan", "host", 5, NOW.minusSeconds(1));

        assertThat(LeaseRules.renew(held, held, MINUTE, NOW)).isEqualTo(new Lease("plan", "host", 5, NOW.plus(MINUTE)));
    }

    @Test
    void onlyTheRecordedAcquisitionMayRenewWriteOrRelease() {
        Lease recorded = new Lease("plan", "host", 5, NOW.plus(MINUTE));
        Lease older = new Lease("plan", "host", 4, NOW.plus(MINUTE));

        assertThat(LeaseRules.releases(recorded, recorded)).isTrue();
        assertThat(LeaseRules.releases(recorded, older)).isFalse();
        assertThat(LeaseRules.releases(null, recorded)).isFalse();
        assertThatThrownBy(() -> LeaseRules.renew(recorded, older, MINUTE, NOW))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST))
                .hasMessageContaining("renew the lease")
                .hasMessageContaining("it is now held by 'host' with token 5");
        assertThatThrownBy(() -> LeaseRules.checkCurrent(null, recorded, "write the checkpoint"))
                .hasMessageContaining("nobody holds it now");
        LeaseRules.checkWritable(recorded, recorded, NOW);
    }

    @Test
    void aWriteWithTheRecordedButExpiredLeaseIsRefusedNamingTheExpiry() {
        Lease expired = new Lease("plan", "host", 5, NOW);

        assertThatThrownBy(() -> LeaseRules.checkWritable(expired, expired, NOW))
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.LEASE_LOST))
                .hasMessageContaining("the lease expired at " + NOW);
    }
}
