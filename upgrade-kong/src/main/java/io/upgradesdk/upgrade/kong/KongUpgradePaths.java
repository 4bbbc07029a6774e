package io.upgradesdk.upgrade.kong;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Kind;
import io.upgradesdk.upgrade.kong.KongUpgradePath.Strategy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Kong's documented upgrade-path rules (they live only in Kong's docs; Kong enforces none of them
 * beyond "has schema_meta"), for OSS and Enterprise:
 * <ul>
 *   <li>OSS 1.0–1.5 from 0.14.1 or later; OSS 2.x from 1.0 or later (0.14 goes through 1.5 first);</li>
 *   <li>OSS 3.0 from 2.8 (UPGRADE.md: 2.7 and older go to 2.8.1 first; the docs index says 2.1 is
 *       enough; the stricter rule is applied and the conflict reported in the notes);</li>
 *   <li>3.x guaranteed paths: patch to patch, adjacent minors, LTS to LTS (2.8 and 3.4); anything
 *       else goes through adjacent minors, using the LTS jump where it helps;</li>
 *   <li>Enterprise chain 0.35 → 0.36 → 1.3 → 1.5 → 2.1, 1.5 → 2.1 needing downtime; EE 2.2–2.8 from
 *       2.1+, EE 2.8 also from any 1.x; a source below 2.1 on none of the chain's lines (e.g. "2.0") has
 *       no documented path and is refused; OSS to Enterprise only within the same minor line;</li>
 *   <li>from a release candidate, {@code up --force}; a patch upgrade without migrations is a
 *       reload (the catalogue spots the patch releases that do ship migrations, e.g. 2.1.1, 2.1.3);</li>
 *   <li>blue/green (same database) only from 2.8.2 on; 3.x docs recommend it for patch upgrades only.</li>
 * </ul>
 */
public final class KongUpgradePaths {

    private static final KongVersion V0_14_1 = KongVersion.of(0, 14, 1);
    private static final KongVersion V1_0_0 = KongVersion.of(1, 0, 0);
    private static final KongVersion V2_8_0 = KongVersion.of(2, 8, 0);
    private static final KongVersion V2_8_2 = KongVersion.of(2, 8, 2);
    private static final List<String> LTS = List.of("2.8", "3.4");
    private static final List<String> EE_CHAIN = List.of("0.35", "0.36", "1.3", "1.5", "2.1");

    private final KongCatalog catalog;

    public KongUpgradePaths(KongCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
    }

    /** Rules over the bundled catalogue. */
    public static KongUpgradePaths bundled() {
        return new KongUpgradePaths(KongCatalog.bundled());
    }

    /** The path from {@code from} to {@code to}. Never throws for a valid pair; see {@link KongUpgradePath#supported()}. */
    public KongUpgradePath path(KongVersion from, KongVersion to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        List<String> notes = new ArrayList<>();
        if (from.isEnterprise() && !to.isEnterprise()) {
            return unsupported(from, to, "Kong Enterprise cannot be downgraded to OSS; stay on Enterprise or restore an"
                    + " OSS backup");
        }
        if (to.compareTo(from) < 0 && !(to.isEnterprise() && !from.isEnterprise() && to.sameMinor(from))) {
            return unsupported(from, to, "downgrades are not supported: Kong migrations are irreversible; restore the "
                    + "backup taken before the upgrade to " + from);
        }
        if (!from.isEnterprise() && to.isEnterprise()) {
            if (!from.sameMinor(to)) {
                return unsupported(from, to, "OSS can only move to an Enterprise version of the same OSS line ("
                        + from.minorLine() + ".x.y); upgrade OSS to " + to.minorLine() + " first, then migrate to Enterprise");
            }
            if (to.major() < 2 || (to.major() == 2 && to.minor() < 1)) {
                notes.add("after 'migrations up' and 'finish', run 'kong migrations migrate-community-to-enterprise'"
                        + " (irreversible; back up first)");
            } else {
                notes.add("Enterprise 2.1+ migrates community entities during up/finish (no extra command)");
            }
            return build(from, to, List.of(to), notes);
        }
        List<KongVersion> hops = new ArrayList<>();
        String error = to.isEnterprise() ? enterpriseHops(from, to, hops, notes) : ossHops(from, to, hops, notes);
        if (error != null) {
            return unsupported(from, to, error);
        }
        hops.add(to);
        return build(from, to, hops, notes);
    }

    /** Shortcut for {@code path(parse(from), parse(to))}. */
    public KongUpgradePath path(String from, String to) {
        return path(KongVersion.parse(from), KongVersion.parse(to));
    }

    /** Like {@link #path} but fails with {@code UNSUPPORTED_PATH} naming what to do. */
    public KongUpgradePath requireDirect(KongVersion from, KongVersion to) {
        KongUpgradePath path = path(from, to);
        if (!path.supported()) {
            throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "upgrading Kong " + from + " to " + to
                    + " is not supported: " + String.join("; ", path.notes()));
        }
        if (!path.isDirect()) {
            throw new UpgradeException(KongErrorCode.UNSUPPORTED_PATH, "Kong " + from + " cannot go straight to " + to
                    + ": upgrade through " + path.intermediates() + " first (one plan per hop)");
        }
        return path;
    }

    // ---------------------------------------------------------------------------------------------

    private String ossHops(KongVersion from, KongVersion to, List<KongVersion> hops, List<String> notes) {
        if (to.major() == 1) {
            if (from.isBefore(V0_14_1)) {
                hops.add(V0_14_1);
                notes.add("Kong 1.x migrates only from 0.14.1: upgrade to 0.14.1 first");
            }
            if (from.major() == 0) {
                notes.add("Kong 1.0 refuses to migrate while 'apis' entities exist; 1.5 converts them with "
                        + "'kong migrations migrate-apis'");
            }
            return null;
        }
        if (to.major() == 2) {
            addOssFloorTo2(from, hops, notes);
            return null;
        }
        if (to.major() == 3) {
            addOssFloorTo2(from, hops, notes);
            KongVersion start = hops.isEmpty() ? from : hops.get(hops.size() - 1);
            if (start.major() < 2 || start.isBefore(V2_8_0)) {
                hops.add(latest(2, 8));
                notes.add("Kong 3.x migrates from 2.8 (UPGRADE.md: 2.7 and older go to 2.8.1 first; the docs' upgrade "
                        + "index says 2.1.x is enough: the sources conflict, the stricter rule is applied)");
                start = hops.get(hops.size() - 1);
            }
            threeXChain(start, to, hops);
            return null;
        }
        return "Kong " + to + " is outside the documented OSS lines (1.x to 3.x)";
    }

    private void addOssFloorTo2(KongVersion from, List<KongVersion> hops, List<String> notes) {
        if (from.isBefore(V0_14_1)) {
            hops.add(V0_14_1);
        }
        if (from.isBefore(V1_0_0)) {
            hops.add(latest(1, 5));
            notes.add("Kong 2.x migrates from 1.x only: go through 1.5 (convert 'apis' with 'kong migrations "
                    + "migrate-apis') first");
        }
    }

    /** Adds 3.x hops (minor lines) from {@code start} (2.8+ or 3.x) up to, not including, {@code to}. */
    private void threeXChain(KongVersion start, KongVersion to, List<KongVersion> hops) {
        KongVersion current = start;
        while (!guaranteed(current, to)) {
            KongVersion next = current.major() == 2 ? line(to, 3, to.minor() >= 4 ? 4 : 0)
                    : line(to, 3, current.minor() + 1);
            hops.add(next);
            current = next;
        }
    }

    private KongVersion line(KongVersion like, int major, int minor) {
        if (like.isEnterprise()) {
            return KongVersion.enterprise(major, minor, 0, 0);
        }
        return latest(major, minor);
    }

    private static boolean guaranteed(KongVersion from, KongVersion to) {
        if (from.sameMinor(to)) {
            return true;
        }
        if (LTS.contains(from.minorLine()) && LTS.contains(to.minorLine())) {
            return true;
        }
        if (from.major() == to.major() && to.minor() == from.minor() + 1) {
            return true;
        }
        return from.major() == 2 && from.minor() == 8 && to.major() == 3 && to.minor() == 0;
    }

    private String enterpriseHops(KongVersion from, KongVersion to, List<KongVersion> hops, List<String> notes) {
        String fromLine = from.minorLine();
        String toLine = to.minorLine();
        int toChain = EE_CHAIN.indexOf(toLine);
        if (toChain >= 0) {
            int fromChain = EE_CHAIN.indexOf(fromLine);
            if (fromChain < 0) {
                return offTheChain(from);
            }
            for (int i = fromChain + 1; i < toChain; i++) {
                String[] mm = EE_CHAIN.get(i).split("\\.");
                hops.add(KongVersion.enterprise(Integer.parseInt(mm[0]), Integer.parseInt(mm[1]), 0, 0));
            }
            if (fromChain < toChain && toChain >= 2 && toChain <= 3) {
                notes.add("zero downtime is possible but not guaranteed between 0.36.x, 1.3.x and 1.5.x");
            }
            return null;
        }
        if (to.major() == 2) {
            if (from.major() < 2 || (from.major() == 2 && from.minor() < 1)) {
                if (to.minor() == 8 && from.major() == 1) {
                    notes.add("Enterprise 2.8 accepts any 1.x directly (a major upgrade)");
                } else {
                    int fromChain = EE_CHAIN.indexOf(fromLine);
                    if (fromChain < 0) {
                        // e.g. "2.0": below 2.1 but on no documented line; never route it back down the chain
                        return offTheChain(from);
                    }
                    for (int i = fromChain + 1; i < EE_CHAIN.size(); i++) {
                        String[] mm = EE_CHAIN.get(i).split("\\.");
                        hops.add(KongVersion.enterprise(Integer.parseInt(mm[0]), Integer.parseInt(mm[1]), 0, 0));
                    }
                    notes.add("Enterprise 2.2 to 2.8 migrate from 2.1.x or later");
                }
            }
            return null;
        }
        if (to.major() == 3) {
            KongVersion start = from;
            if (from.major() < 2 || (from.major() == 2 && from.minor() < 8)) {
                String error = enterpriseHops(from, KongVersion.enterprise(2, 8, 0, 0), hops, notes);
                if (error != null) {
                    return error;
                }
                hops.add(KongVersion.enterprise(2, 8, 0, 0));
                start = hops.get(hops.size() - 1);
            }
            threeXChain(start, to, hops);
            notes.add("Enterprise hops name minor lines (x.y.0.0): use the newest patch of each line");
            return null;
        }
        return "Enterprise " + to + " is outside the documented lines";
    }

    /** Why an Enterprise source below 2.1 that is on none of the chain's lines has no documented path. */
    private static String offTheChain(KongVersion from) {
        String why = "Enterprise " + from + " is not on the documented chain " + EE_CHAIN;
        if (from.isBefore(KongVersion.enterprise(0, 35, 0, 0))) {
            return why + "; upgrade to 0.35 first";
        }
        return why + ", the only Enterprise lines below 2.1 the upgrade docs give a path from (Enterprise went from 1.5"
                + " to 2.1); check the installed version ('kong version') and start from its line";
    }

    private KongVersion latest(int major, int minor) {
        return catalog.latestOf(major, minor).map(KongRelease::version).orElse(KongVersion.of(major, minor, 0));
    }

    private KongUpgradePath build(KongVersion from, KongVersion to, List<KongVersion> hops, List<String> notes) {
        KongVersion first = hops.get(0);
        Set<Strategy> strategies = EnumSet.of(Strategy.IN_PLACE, Strategy.DUAL_CLUSTER);
        boolean downtime = false;
        if (from.isEnterprise() && "1.5".equals(from.minorLine()) && "2.1".equals(first.minorLine())) {
            strategies = EnumSet.of(Strategy.IN_PLACE);
            downtime = true;
            notes.add("Enterprise 1.5 to 2.1 needs a short downtime (incompatible table schemas); to shorten it, set "
                    + "db_cache_warmup_entities and rolling-restart 1.5 before up+finish on 2.1");
        } else if (from.ossBase().isAtLeast(V2_8_2)) {
            strategies.add(Strategy.BLUE_GREEN);
            if (from.major() >= 3 && !from.sameMinor(first)) {
                notes.add("Kong 3.x docs recommend blue/green only between patch versions (limited support)");
            }
        }
        Map<String, List<KongMigration>> migrations = new LinkedHashMap<>();
        boolean known = false;
        if (!from.isEnterprise() && !to.isEnterprise()) {
            KongRelease source = catalog.find(from).orElse(null);
            KongRelease target = catalog.find(first).orElse(null);
            if (source != null && target != null) {
                migrations.putAll(target.newSince(source));
                known = true;
            }
        }
        Kind kind = known && migrations.isEmpty() && from.sameMinor(to) ? Kind.RELOAD : Kind.MIGRATE;
        if (known && from.sameMinor(to) && !migrations.isEmpty()) {
            notes.add("this patch release ships migrations: run 'kong migrations up' and 'finish', not just a reload");
        }
        if (kind == Kind.RELOAD) {
            notes.add("no migrations: install " + to + " and run 'kong reload'");
        }
        boolean force = from.isReleaseCandidate();
        if (force) {
            notes.add("upgrading from a release candidate: run 'kong migrations up --force'");
        }
        if (!known) {
            notes.add("the catalogue does not cover " + (from.isEnterprise() || to.isEnterprise() ? "Enterprise" : "this")
                    + " version; run 'kong migrations list' with the target version to see the migrations");
        }
        return new KongUpgradePath(from, to, true, hops, kind, strategies, downtime, force, migrations, known, notes);
    }

    private static KongUpgradePath unsupported(KongVersion from, KongVersion to, String why) {
        return new KongUpgradePath(from, to, false, List.of(), Kind.MIGRATE, Set.of(), true, false, Map.of(), false,
                List.of(why));
    }
}
