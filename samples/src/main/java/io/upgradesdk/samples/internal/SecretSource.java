package io.upgradesdk.samples.internal;

import io.upgradesdk.upgrade.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the commands read secrets: a file named by a {@code --…-password-file} option (a mounted
 * Kubernetes Secret), else an environment variable. Never a command-line argument, which any user
 * can read in {@code ps}.
 */
public final class SecretSource {

    private final Map<String, String> environment;

    public SecretSource(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** The process environment. */
    public static SecretSource system() {
        return new SecretSource(System.getenv());
    }

    /**
     * The secret {@code name}: the content of {@code file} (one trailing newline dropped) when
     * given, else the value of {@code envVar}; empty when neither is set.
     *
     * @throws IllegalArgumentException when the file cannot be read or is empty
     */
    public Optional<Secret> read(String name, String envVar, Path file, String fileOption) {
        if (file != null) {
            String value;
            try {
                value = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException(fileOption + " " + file + " cannot be read ("
                        + e.getClass().getSimpleName() + "); give a readable file holding the password");
            }
            value = value.endsWith("\r\n") ? value.substring(0, value.length() - 2)
                    : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            if (value.isEmpty()) {
                throw new IllegalArgumentException(fileOption + " " + file + " is empty");
            }
            return Optional.of(Secret.of(name, value));
        }
        String value = envVar == null ? null : environment.get(envVar);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Secret.of(name, value));
    }
}
