package io.upgradesdk.upgrade.kuzzle.internal;

import io.upgradesdk.upgrade.FileCheckpointStore;
import io.upgradesdk.upgrade.UpgradeReport;
import io.upgradesdk.upgrade.UpgradeRunner;
import io.upgradesdk.upgrade.kuzzle.KuzzleUpgrade;
import java.nio.file.Path;
import java.time.Duration;

/** A host JVM the SIGKILL test starts and kills: runs the Kuzzle plan with a file checkpoint. */
public final class KillableUpgradeHost {

    static final int PAGE = 20;

    private KillableUpgradeHost() {
    }

    /** Args: checkpoint file, source URL, target URL, scenario id, work dir. */
    public static void main(String[] args) throws Exception {
        ItScenario s = new ItScenario(args[3]);
        try (FileCheckpointStore store = new FileCheckpointStore(Path.of(args[0]));
                KuzzleUpgrade kuzzle = KuzzleUpgrade.create()) {
            UpgradeReport r = UpgradeRunner.builder().store(store).owner("killable").leaseDuration(Duration.ofSeconds(2))
                    .build().up(kuzzle.upgradePlan(s.settings(args[1], args[2], Path.of(args[4])).pageSize(PAGE).build()));
            System.out.println(r);
            System.exit(r.isSuccess() ? 0 : 1);
        }
    }
}
