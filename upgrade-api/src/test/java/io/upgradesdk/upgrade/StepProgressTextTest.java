package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How a progress report reads for people, and when it completes its total, at the edges of each rule. */
class StepProgressTextTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static UpgradeEvent.StepProgress progress(long done, long total, double rate, Duration eta) {
        return new UpgradeEvent.StepProgress(T, "plan", "copy", done, total, "", rate, eta);
    }

    @Test
    void aReportCompletesItsTotalWhenDoneReachesItIncludingAnEmptyTotal() {
        assertThat(progress(5, 5, -1, null).reachedTotal()).isTrue();
        assertThat(progress(4, 5, -1, null).reachedTotal()).isFalse();
        assertThat(progress(0, 0, -1, null).reachedTotal()).isTrue();
        assertThat(progress(0, -1, -1, null).reachedTotal()).as("unknown total").isFalse();
    }

    @Test
    void aNoticeCountsNothingAndHasNoTotalWhetherAskedOfTheEventOrOfItsNumbers() {
        assertThat(progress(0, -1, -1, null).isNotice()).isTrue();
        assertThat(progress(0, 0, -1, null).isNotice()).as("an empty total is a count").isFalse();
        assertThat(progress(1, -1, -1, null).isNotice()).as("a count of unknown total").isFalse();
        assertThat(UpgradeEvent.StepProgress.isNotice(0, -1)).isTrue();
        assertThat(UpgradeEvent.StepProgress.isNotice(0, 0)).isFalse();
        assertThat(UpgradeEvent.StepProgress.isNotice(2, -1)).isFalse();
    }

    @Test
    void theSummaryShowsThePercentageOnlyOfAKnownNonEmptyTotalAndAZeroRate() {
        assertThat(progress(0, 0, -1, null).summary()).isEqualTo("0/0");
        assertThat(progress(3, -1, -1, null).summary()).isEqualTo("3");
        assertThat(progress(1, 4, 0.0, null).summary()).isEqualTo("1/4 (25%), 0.0/s");
    }

    @Test
    void theEtaIsInSecondsBelowAMinuteInMinutesBelowAnHourAndInHoursAbove() {
        assertThat(progress(1, 4, 1, Duration.ofSeconds(59)).summary()).endsWith("ETA 59s");
        assertThat(progress(1, 4, 1, Duration.ofSeconds(60)).summary()).endsWith("ETA 1m 00s");
        assertThat(progress(1, 4, 1, Duration.ofSeconds(3599)).summary()).endsWith("ETA 59m 59s");
        assertThat(progress(1, 4, 1, Duration.ofSeconds(3600)).summary()).endsWith("ETA 1h 00m");
        assertThat(progress(1, 4, 1, Duration.ofSeconds(7 * 3600 + 125)).summary()).endsWith("ETA 7h 02m");
        assertThat(progress(1, 4, 1, Duration.ofMillis(1)).summary()).as("rounded up").endsWith("ETA 1s");
    }

    @Test
    void aRateBelowOnePerSecondIsShownPerMinuteOrPerHourSoThatASlowStepDoesNotReadZero() {
        assertThat(progress(1, 4, 25, null).summary()).endsWith(", 25.0/s");
        assertThat(progress(1, 4, 1, null).summary()).endsWith(", 1.0/s");
        assertThat(progress(1, 4, 0.5, null).summary()).endsWith(", 30.0/min");
        assertThat(progress(1, 4, 1 / 60.0, null).summary()).endsWith(", 1.0/min");
        assertThat(progress(2, 3, 1 / 180.0, null).summary()).as("a node every 3 minutes").endsWith(", 20.0/h");
        assertThat(progress(1, 4, 1 / 7200.0, null).summary()).endsWith(", 0.5/h");
    }
}
