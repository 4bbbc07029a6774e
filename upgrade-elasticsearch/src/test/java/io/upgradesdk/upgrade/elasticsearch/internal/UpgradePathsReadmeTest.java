package io.upgradesdk.upgrade.elasticsearch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's table of supported upgrade paths is the rules table rendered: change a rule and
 * this test prints the table to paste.
 */
class UpgradePathsReadmeTest {

    /** The Markdown table of {@link UpgradeRules#PATHS}. */
    static String render() {
        StringBuilder t = new StringBuilder("| from | to | plan kinds | target releases | tested here |\n"
                + "| --- | --- | --- | --- | --- |\n");
        for (UpgradeRules.UpgradePath p : UpgradeRules.PATHS) {
            for (UpgradeRules.SourceLine line : p.sourceLines()) {
                t.append("| ").append(line.line()).append(".x | ").append(p.toMajor()).append(".x | ")
                        .append(p.planKinds().stream().map(UpgradeRules.PlanKind::label).collect(Collectors.joining(", ")))
                        .append(" | ").append(line.targets()).append(knownReleases(p, line)).append(" | ")
                        .append(line == p.sourceLines().get(0) ? p.tested() : "–").append(" |\n");
            }
        }
        return t.toString();
    }

    private static String knownReleases(UpgradeRules.UpgradePath p, UpgradeRules.SourceLine line) {
        String known = p.knownReleases().stream().filter(k -> (k.sourceFrom() + ".").startsWith(line.line() + ".")
                && line.minimumTarget().compareTo(k.minimumTarget()) < 0)
                .map(k -> (k.sourceFrom().equals(k.sourceTo()) ? k.sourceFrom().toString() : k.sourceFrom() + "–"
                        + k.sourceTo()) + " needs " + k.minimumTarget() + "+")
                .collect(Collectors.joining("; "));
        return known.isEmpty() ? "" : "; " + known + " (newer " + line.line() + " patches: refused until the rules know them)";
    }

    @Test
    void theReadmeHoldsTheRulesTableAsRendered() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String table = render();
        assertThat(readme).as("upgrade-elasticsearch/README.md must contain this table:\n" + table).contains(table);
    }
}
