package io.upgradesdk.upgrade.testkit;

import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThat;
import static io.upgradesdk.upgrade.testkit.UpgradeAssertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectLedgerTest {

    @TempDir
    Path temp;

    @Test
    void effectsAppliedOnceEachPass() {
        EffectLedger ledger = EffectLedger.at(temp.resolve("effects"));
        ledger.apply("a");
        ledger.apply("b");

        ledger.assertEachAppliedOnce(List.of("a", "b"));
        assertThat(ledger.contains("a")).isTrue();
        assertThat(EffectLedger.at(temp.resolve("effects")).effects()).containsExactly("a", "b");
    }

    @Test
    void aRepeatedAMissingAndAnUnexpectedEffectAreEachNamed() {
        EffectLedger ledger = EffectLedger.at(temp.resolve("effects"));
        ledger.apply("a");
        ledger.apply("a");
        ledger.apply("x");

        assertThatThrownBy(() -> ledger.assertEachAppliedOnce(List.of("a", "b")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("effect 'a' was applied 2 times")
                .hasMessageContaining("effect 'b' was applied 0 times")
                .hasMessageContaining("effect 'x' was not expected");
    }
}
