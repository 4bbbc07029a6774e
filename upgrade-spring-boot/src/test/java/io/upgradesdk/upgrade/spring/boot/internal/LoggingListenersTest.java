package io.upgradesdk.upgrade.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.upgradesdk.upgrade.Slf4jMdcListener;
import io.upgradesdk.upgrade.Slf4jUpgradeListener;
import io.upgradesdk.upgrade.UpgradeListener;
import io.upgradesdk.upgrade.spring.boot.UpgradeProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** upgrade.log-events and upgrade.log-mdc: the SDK's logging listeners, both on unless turned off. */
class LoggingListenersTest {

    private static UpgradeProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("upgrade", UpgradeProperties.class);
    }

    @Test
    void byDefaultTheEventsAreLoggedAndEachStepRunsWithThePlanAndStepInTheMdc() {
        assertThat(RunnerFactory.loggingListeners(bind(Map.of()))).extracting(UpgradeListener::getClass)
                .containsExactly(Slf4jUpgradeListener.class, Slf4jMdcListener.class);
    }

    @Test
    void eachOneIsTurnedOffByItsProperty() {
        assertThat(RunnerFactory.loggingListeners(bind(Map.of("upgrade.log-mdc", "false"))))
                .extracting(UpgradeListener::getClass).containsExactly(Slf4jUpgradeListener.class);
        assertThat(RunnerFactory.loggingListeners(bind(Map.of("upgrade.log-events", "false"))))
                .extracting(UpgradeListener::getClass).containsExactly(Slf4jMdcListener.class);
        assertThat(RunnerFactory.loggingListeners(bind(Map.of("upgrade.log-events", "false",
                "upgrade.log-mdc", "false")))).isEmpty();
    }
}
