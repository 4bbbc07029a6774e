package io.upgradesdk.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Secret;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void aSecretContainingAnotherIsMaskedWholeWhicheverOrderTheyAreGivenIn() {
        Secret inner = Secret.of("inner", "hunter2");
        Secret outer = Secret.of("outer", "hunter2-and-more");

        assertThat(new Redactor(List.of(inner, outer)).redact("pw=hunter2-and-more;")).isEqualTo("pw=****;");
        assertThat(new Redactor(List.of(outer, inner)).redact("pw=hunter2-and-more;")).isEqualTo("pw=****;");
    }

    @Test
    void everyOccurrenceOfEverySecretIsMasked() {
        Redactor redactor = new Redactor(List.of(Secret.of("a", "alpha"), Secret.of("b", "beta")));

        assertThat(redactor.redact("alpha beta alpha")).isEqualTo("**** **** ****");
    }

    @Test
    void anEmptySecretMasksNothingAndIsNeverReportedAsExposed() {
        Redactor redactor = new Redactor(List.of(Secret.of("empty", "")));

        assertThat(redactor.redact("plain text")).isEqualTo("plain text");
        assertThat(redactor.requireClean("plain text", "the cursor")).isEqualTo("plain text");
    }

    @Test
    void textWithoutSecretsOrNullTextIsReturnedAsItIs() {
        assertThat(new Redactor(List.of()).redact("anything")).isEqualTo("anything");
        assertThat(new Redactor(List.of(Secret.of("a", "alpha"))).redact(null)).isNull();
        assertThat(new Redactor(List.of(Secret.of("a", "alpha"))).requireClean(null, "the cursor")).isNull();
    }

    @Test
    void storingTextThatContainsASecretFailsNamingTheSecretButNotItsValue() {
        Redactor redactor = new Redactor(List.of(Secret.of("db-password", "s3cr3t")));

        assertThatThrownBy(() -> redactor.requireClean("offset=1;pw=s3cr3t", "the cursor of step 'copy'"))
                .isInstanceOf(UpgradeException.class)
                .satisfies(e -> assertThat(((UpgradeException) e).code()).isEqualTo(UpgradeErrorCode.SECRET_EXPOSED))
                .hasMessageContaining("the cursor of step 'copy'")
                .hasMessageContaining("'db-password'")
                .hasMessageNotContaining("s3cr3t");
        assertThat(redactor.requireClean("offset=1", "the cursor")).isEqualTo("offset=1");
    }

    @Test
    void anErrorIsDescribedByItsTypeAndMessageWithSecretsMasked() {
        Redactor redactor = new Redactor(List.of(Secret.of("token", "tok-123")));

        assertThat(redactor.describe(new IOException("login with tok-123 refused")))
                .isEqualTo("IOException: login with **** refused");
        assertThat(redactor.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
