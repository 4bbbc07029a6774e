/** Implementation of the plan engine: not public API, may change in any release. */
package io.upgradesdk.upgrade.internal;
