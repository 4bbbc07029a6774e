package io.upgradesdk.upgrade.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 extension: gives each test method a fresh {@link UpgradeTestRunner} preset (confirmation
 * denied; call {@code answerConfirmations(true)} to confirm) and, when the test fails, prints what
 * the runner recorded (events, last checkpoint written) to standard error.
 *
 * <pre>{@code
 * @ExtendWith(UpgradeTestExtension.class)
 * class OrdersPlanTest {
 *     @Test
 *     void copiesEveryOrder(UpgradeTestRunner t) {
 *         assertThat(t.up(plan)).succeeded();
 *     }
 * }
 * }</pre>
 */
public final class UpgradeTestExtension implements ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            UpgradeTestExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == UpgradeTestRunner.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(UpgradeTestRunner.class,
                k -> UpgradeTestKit.runner().build(), UpgradeTestRunner.class);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        UpgradeTestRunner runner = context.getStore(NAMESPACE).get(UpgradeTestRunner.class, UpgradeTestRunner.class);
        if (runner != null) {
            System.err.println("[upgrade-testkit] " + context.getDisplayName() + " failed; what the runner recorded:");
            System.err.println(runner.describe());
        }
    }
}
