/** Implementation of the test kit; may change without notice. */
package io.upgradesdk.upgrade.testkit.internal;
