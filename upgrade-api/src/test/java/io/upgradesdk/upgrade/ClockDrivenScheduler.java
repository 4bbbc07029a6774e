package io.upgradesdk.upgrade;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A deterministic {@link Scheduler} for tests: tasks run on the thread that advances the
 * {@link TestClock}, once for every period that has passed, in the order they fall due.
 */
final class ClockDrivenScheduler implements Scheduler {

    private final TestClock clock;
    private final List<Task> tasks = new CopyOnWriteArrayList<>();

    ClockDrivenScheduler(TestClock clock) {
        this.clock = clock;
        clock.onAdvance(this::runDueTasks);
    }

    @Override
    public Scheduled scheduleAtFixedRate(Runnable task, Duration period) {
        Task scheduled = new Task(task, period, clock.instant().plus(period));
        tasks.add(scheduled);
        return () -> tasks.remove(scheduled);
    }

    /** Tasks scheduled and not cancelled. */
    int activeTasks() {
        return tasks.size();
    }

    private void runDueTasks() {
        Task due;
        while ((due = nextDue()) != null) {
            due.next = due.next.plus(due.period);
            due.task.run();
        }
    }

    private Task nextDue() {
        Instant now = clock.instant();
        return tasks.stream().filter(t -> !t.next.isAfter(now)).min((a, b) -> a.next.compareTo(b.next)).orElse(null);
    }

    private static final class Task {
        final Runnable task;
        final Duration period;
        Instant next;

        Task(Runnable task, Duration period, Instant first) {
            this.task = task;
            this.period = period;
            this.next = first;
        }
    }
}
