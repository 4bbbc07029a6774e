package io.upgradesdk.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A secret never shows its value in its description, and a host's own text is masked as the runner masks. */
class SecretTest {

    private final Secret password = Secret.of("pg.password", "hunter2");
    private final Secret longer = Secret.of("pg.url", "postgres://kong:hunter2@db/kong");

    @Test
    void describesItselfByNameOnly() {
        assertThat(password.toString()).isEqualTo("Secret[pg.password=****]");
    }

    @Test
    void redactMasksEveryValueTheLongestFirstSoThatASecretContainingAnotherIsMaskedWhole() {
        String text = "cannot connect to postgres://kong:hunter2@db/kong with hunter2";

        assertThat(Secret.redact(text, List.of(password, longer))).isEqualTo("cannot connect to **** with ****");
        assertThat(Secret.redact(text, List.of(longer, password))).isEqualTo("cannot connect to **** with ****");
    }

    @Test
    void redactLeavesATextWithoutSecretsAndNullAsTheyAreAndIgnoresAnEmptyValue() {
        assertThat(Secret.redact("nothing to hide", List.of(password))).isEqualTo("nothing to hide");
        assertThat(Secret.redact(null, List.of(password))).isNull();
        assertThat(Secret.redact("abc", List.of(Secret.of("empty", "")))).isEqualTo("abc");
        assertThat(Secret.redact("hunter2", List.of())).isEqualTo("hunter2");
        assertThatThrownBy(() -> Secret.redact("hunter2", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("secrets");
    }
}
