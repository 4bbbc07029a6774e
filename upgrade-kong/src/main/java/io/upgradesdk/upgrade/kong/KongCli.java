package io.upgradesdk.upgrade.kong;

import java.util.List;
import java.util.function.Consumer;

/**
 * Runs {@code kong migrations <subcommand>} for one Kong installation (the new version's, for an
 * upgrade). The default is {@link ProcessKongCli} (the {@code kong} binary run as a process); a
 * host may supply another, e.g. one that runs a Kubernetes Job.
 */
@FunctionalInterface
public interface KongCli {

    /** Kong's message when the {@code migrations} lock is held elsewhere (it then exits 0). */
    String ANOTHER_NODE = "another node is performing database changes";

    /**
     * Runs {@code kong migrations <subcommand> <args...>} and returns its exit code and output.
     *
     * @param subcommand {@code up}, {@code finish}, {@code list}, {@code status}, {@code bootstrap}
     * @param args       extra flags, e.g. {@code --force}, {@code --yes}
     */
    CommandOutput migrations(String subcommand, List<String> args) throws Exception;

    /**
     * {@link #migrations(String, List)}, telling {@code output} each line Kong prints as it prints
     * it ("migrating core on database 'kong'...", "core migrated up to: 016_280_to_300"): the plan
     * publishes them as notices of its {@code migrations-up} / {@code migrations-finish} step, so
     * that a long migration is not silent. {@code output} may be called from another thread while
     * this method runs, one line at a time, never after it returned. By default it tells nothing;
     * {@link ProcessKongCli} hands over the lines of the {@code kong} process.
     */
    default CommandOutput migrations(String subcommand, List<String> args, Consumer<String> output) throws Exception {
        return migrations(subcommand, args);
    }
}
