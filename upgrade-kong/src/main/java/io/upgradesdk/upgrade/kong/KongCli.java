package io.upgradesdk.upgrade.kong;

import java.util.List;

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
}
