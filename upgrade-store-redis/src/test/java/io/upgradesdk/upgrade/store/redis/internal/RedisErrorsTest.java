package io.upgradesdk.upgrade.store.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.upgradesdk.upgrade.UpgradeErrorCode;
import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.store.redis.RedisStoreErrorCode;
import org.junit.jupiter.api.Test;

class RedisErrorsTest {

    private static UpgradeException translate(RedisException e) {
        return RedisErrors.translate(e, "save the checkpoint of plan 'p'", "Redis at 127.0.0.1:6379", "upgrade:");
    }

    @Test
    void busyOrStartingRedisIsTransient() {
        for (String reply : new String[] {"LOADING Redis is loading the dataset in memory",
                "BUSY Redis is busy running a script", "CLUSTERDOWN The cluster is down", "TRYAGAIN Multiple keys",
                "READONLY You can't write against a read only replica."}) {
            UpgradeException e = translate(new RedisCommandExecutionException(reply));
            assertThat(e.code()).as(reply).isEqualTo(RedisStoreErrorCode.UNAVAILABLE);
            assertThat(e.isTransient()).isTrue();
        }
    }

    @Test
    void timeoutsAndLostConnectionsAreTransientAndNameTheServer() {
        UpgradeException timeout = translate(new RedisCommandTimeoutException("Command timed out after 1 second"));
        UpgradeException refused = translate(new RedisConnectionException("Unable to connect to 127.0.0.1:6379"));

        assertThat(timeout.code()).isEqualTo(RedisStoreErrorCode.UNAVAILABLE);
        assertThat(refused.code()).isEqualTo(RedisStoreErrorCode.UNAVAILABLE);
        assertThat(timeout.getMessage())
                .contains("could not save the checkpoint of plan 'p' in Redis at 127.0.0.1:6379")
                .contains("timed out").contains("the last saved checkpoint is kept");
    }

    @Test
    void refusedCredentialsArePermanentEvenWhenWrappedInAConnectFailure() {
        UpgradeException e = translate(new RedisConnectionException("Unable to connect to 127.0.0.1:6379",
                new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled.")));

        assertThat(e.code()).isEqualTo(RedisStoreErrorCode.REJECTED);
        assertThat(e.isTransient()).isFalse();
        assertThat(e.getMessage()).contains("WRONGPASS").contains("check the user name and password");
    }

    @Test
    void missingAclRightsNameThePrefixToGrant() {
        UpgradeException e = translate(new RedisCommandExecutionException(
                "NOPERM this user has no permissions to access one of the keys used as arguments"));

        assertThat(e.code()).isEqualTo(RedisStoreErrorCode.REJECTED);
        assertThat(e.getMessage()).contains("~upgrade:*").contains("+@scripting");
    }

    @Test
    void foreignDataUnderThePrefixAsksForAnotherPrefix() {
        UpgradeException e = translate(new RedisCommandExecutionException(
                "WRONGTYPE Operation against a key holding the wrong kind of value"));

        assertThat(e.code()).isEqualTo(RedisStoreErrorCode.REJECTED);
        assertThat(e.getMessage()).contains("give the store its own keyPrefix");
    }

    @Test
    void interruptionKeepsTheInterruptFlag() {
        try {
            UpgradeException e = translate(new RedisCommandInterruptedException(new InterruptedException()));

            assertThat(e.code()).isEqualTo(UpgradeErrorCode.INTERRUPTED);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
