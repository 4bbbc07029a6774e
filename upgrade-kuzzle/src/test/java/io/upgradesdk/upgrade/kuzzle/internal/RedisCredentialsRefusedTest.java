package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.upgradesdk.upgrade.ErrorClassifier;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kuzzle.KuzzleErrorCode;
import org.junit.jupiter.api.Test;

/** A Redis that refuses the credentials is an authentication failure, not retried as transient. */
class RedisCredentialsRefusedTest {

    @Test
    void wrongPasswordIsAnAuthenticationFailureThatIsNotRetried() {
        UpgradeException e = TokenCache.connectFailure("source", "redis://cache:6379/0", new RedisConnectionException(
                "Unable to connect to cache:6379", new RedisCommandExecutionException(
                        "WRONGPASS invalid username-password pair or user is disabled.")));

        assertThat(e.code()).isEqualTo(KuzzleErrorCode.AUTHENTICATION);
        assertThat(ErrorClassifier.defaults().isTransient(e)).isFalse();
        assertThat(e.getMessage()).contains("source Redis redis://cache:6379/0", "refused this run's credentials",
                "WRONGPASS", "check the user and password");
    }

    @Test
    void noAuthAndNoPermAreAuthenticationFailuresToo() {
        for (String reply : new String[] {"NOAUTH Authentication required.", "NOPERM this user has no permissions"}) {
            UpgradeException e = TokenCache.connectFailure("target", "redis://c:6379/1", new RedisConnectionException(
                    "Unable to connect", new RedisCommandExecutionException(reply)));
            assertThat(e.code()).isEqualTo(KuzzleErrorCode.AUTHENTICATION);
        }
    }

    @Test
    void anUnreachableServerStaysTransient() {
        UpgradeException e = TokenCache.connectFailure("source", "redis://cache:6379/0",
                new RedisConnectionException("Unable to connect", new java.net.ConnectException("Connection refused")));

        assertThat(e.code()).isEqualTo(KuzzleErrorCode.REDIS_FAILED);
        assertThat(ErrorClassifier.defaults().isTransient(e)).isTrue();
    }
}
