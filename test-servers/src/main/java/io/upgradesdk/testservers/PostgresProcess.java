package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs PostgreSQL's command-line tools, as the {@code postgres} user when the JVM is root. */
final class PostgresProcess {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private PostgresProcess() {
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The prefix that runs a command as {@code user} (setpriv, else runuser). */
    static List<String> asUser(String user) {
        String gid = run(List.of("id", "-g", user), List.of(), Path.of("/tmp"), 10).stdout().trim();
        if (new java.io.File("/usr/bin/setpriv").canExecute()) {
            return List.of("setpriv", "--reuid=" + user, "--regid=" + gid, "--init-groups");
        }
        return List.of("runuser", "-u", user, "--");
    }

    /** Runs {@code prefix + command} with a clean environment; fails with its output unless exit 0. */
    static Result run(List<String> command, List<String> prefix, Path dir, int timeoutSeconds) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> !k.equals("PATH"));
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put("HOME", dir.toString());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + full);
            }
            Result result = new Result(process.exitValue(), out.join(), err.join());
            if (result.exitCode() != 0) {
                throw new IllegalStateException("command failed (exit " + result.exitCode() + "): " + full
                        + "\n" + result.stdout() + result.stderr());
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + full, e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
