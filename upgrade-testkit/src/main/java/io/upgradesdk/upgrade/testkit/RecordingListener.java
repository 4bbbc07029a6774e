package io.upgradesdk.upgrade.testkit;

import io.upgradesdk.upgrade.UpgradeEvent;
import io.upgradesdk.upgrade.UpgradeListener;
import java.util.ArrayList;
import java.util.List;

/** Keeps every event a runner publishes, in order, for a test to inspect. Thread-safe. */
public final class RecordingListener implements UpgradeListener {

    private final List<UpgradeEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(UpgradeEvent event) {
        events.add(event);
    }

    /** Every event so far, oldest first. */
    public synchronized List<UpgradeEvent> all() {
        return List.copyOf(events);
    }

    /** The events of one type, oldest first: {@code ofType(UpgradeEvent.StepRetrying.class)}. */
    public synchronized <E extends UpgradeEvent> List<E> ofType(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets the events so far (e.g. between a setup run and the run under test). */
    public synchronized void clear() {
        events.clear();
    }

    /** One event per line, for failure messages. */
    @Override
    public synchronized String toString() {
        StringBuilder text = new StringBuilder();
        for (UpgradeEvent event : events) {
            text.append(event).append(System.lineSeparator());
        }
        return text.toString();
    }
}
