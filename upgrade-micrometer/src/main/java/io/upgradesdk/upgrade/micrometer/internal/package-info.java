/** Implementation of the Micrometer listener; not exported, free to change. */
package io.upgradesdk.upgrade.micrometer.internal;
