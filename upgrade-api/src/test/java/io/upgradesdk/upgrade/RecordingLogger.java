package io.upgradesdk.upgrade;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger keeping every line as "LEVEL formatted message", from any thread: all levels
 * enabled, or INFO and up ({@link #infoAndUp()}).
 */
final class RecordingLogger extends LegacyAbstractLogger {

    /** The lines in order; a synchronized list (a copy-on-write one made 100,000 lines quadratic). */
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final boolean debug;

    RecordingLogger() {
        this(true);
    }

    private RecordingLogger(boolean debug) {
        this.name = "recording";
        this.debug = debug;
    }

    /** A logger at INFO: TRACE and DEBUG off. */
    static RecordingLogger infoAndUp() {
        return new RecordingLogger(false);
    }

    /** The lines logged at {@code level} that contain {@code text}. */
    List<String> at(Level level, String text) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(level + " ") && l.contains(text)).toList();
        }
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, arguments));
    }

    @Override
    public boolean isTraceEnabled() {
        return debug;
    }

    @Override
    public boolean isDebugEnabled() {
        return debug;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
