package io.upgradesdk.upgrade.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upgradesdk.upgrade.Checkpoint;
import io.upgradesdk.upgrade.CheckpointStore;
import io.upgradesdk.upgrade.InMemoryCheckpointStore;
import io.upgradesdk.upgrade.Lease;
import io.upgradesdk.upgrade.StepRecord;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A decorator base that forwards the whole SPI, so a new store method cannot be silently dropped. */
class ForwardingCheckpointStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Lease LEASE = new Lease("plan", "host-a", 7, NOW.plusSeconds(30));
    private static final Checkpoint CHECKPOINT = new Checkpoint("plan", "v1:fingerprint", 3, NOW,
            List.of(StepRecord.pending("copy")), List.of());
    /** An argument or result of each type the SPI uses; a method with a new type needs an entry here. */
    private static final Map<Class<?>, Object> SAMPLES = Map.of(
            String.class, "sample-string",
            Duration.class, Duration.ofSeconds(42),
            Lease.class, LEASE,
            Checkpoint.class, CHECKPOINT,
            Optional.class, Optional.of(CHECKPOINT));

    /** One call the delegate received. */
    private record Call(Method method, List<Object> args) {
    }

    @Test
    void everyMethodOfTheStoreInterfaceIsForwardedWithItsArgumentsAndResult() throws Exception {
        List<Call> received = new ArrayList<>();
        CheckpointStore delegate = (CheckpointStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CheckpointStore.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0] : "delegate";
                    }
                    received.add(new Call(method, args == null ? List.of() : Arrays.asList(args)));
                    return sampleOf(method.getReturnType());
                });
        CheckpointStore forwarding = new ForwardingCheckpointStore(delegate) { };

        List<Method> methods = Arrays.stream(CheckpointStore.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
        assertThat(methods).extracting(Method::getName).contains("load", "save", "acquireLease", "close");
        for (Method method : methods) {
            received.clear();
            Object[] args = Arrays.stream(method.getParameterTypes()).map(ForwardingCheckpointStoreTest::sampleOf)
                    .toArray();

            Object result = method.invoke(forwarding, args);

            assertThat(received).as("calls the delegate received for %s", method)
                    .containsExactly(new Call(method, Arrays.asList(args)));
            assertThat(result).as("result of %s", method).isSameAs(sampleOf(method.getReturnType()));
        }
    }

    @Test
    void aDecoratorOverridesOnlyWhatItChangesAndReachesTheDelegateThroughSuper() {
        InMemoryCheckpointStore memory = new InMemoryCheckpointStore();
        AtomicInteger saves = new AtomicInteger();
        CheckpointStore counting = new ForwardingCheckpointStore(memory) {
            @Override
            public void save(Checkpoint checkpoint, Lease lease) {
                saves.incrementAndGet();
                super.save(checkpoint, lease);
            }
        };

        Lease lease = counting.acquireLease("plan", "host-a", Duration.ofSeconds(30));
        counting.save(CHECKPOINT, lease);

        assertThat(saves).hasValue(1);
        assertThat(memory.load("plan")).contains(CHECKPOINT);
        assertThat(counting.currentLease("plan")).contains(lease);
        assertThat(counting.toString()).contains("ForwardingCheckpointStore[");
    }

    @Test
    void exceptionsOfTheDelegatePassThroughUnchanged() {
        CheckpointStore forwarding = new ForwardingCheckpointStore(new InMemoryCheckpointStore()) { };
        forwarding.acquireLease("plan", "host-a", Duration.ofSeconds(30));

        assertThatThrownBy(() -> forwarding.acquireLease("plan", "host-b", Duration.ofSeconds(30)))
                .hasMessageContaining("host-a");
    }

    @Test
    void refusesANullDelegate() {
        assertThatThrownBy(() -> new ForwardingCheckpointStore(null) { }).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("delegate");
    }

    private static Object sampleOf(Class<?> type) {
        if (type == void.class) {
            return null;
        }
        if (!SAMPLES.containsKey(type)) {
            throw new AssertionError("no sample value of " + type.getName() + ": add one to SAMPLES");
        }
        return SAMPLES.get(type);
    }
}
