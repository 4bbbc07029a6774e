package io.upgradesdk.upgrade.kong.internal;

import io.upgradesdk.upgrade.UpgradeException;
import io.upgradesdk.upgrade.kong.KongErrorCode;
import java.sql.SQLException;

/** The one wording of a failed database access, shared by Kong's database reader and the schema engine. */
public final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /** {@code KONG_DATABASE_ERROR} (transient) naming what could not be done and what to check. */
    public static UpgradeException databaseError(String what, SQLException e) {
        return new UpgradeException(KongErrorCode.DATABASE_ERROR, "[PostgreSQL error] could not " + what + ": "
                + e.getMessage() + ". Check that the database is reachable and the user may read the Kong schema", e);
    }
}
