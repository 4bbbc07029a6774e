/** Implementation of the OpenTelemetry listener; not exported, free to change. */
package io.upgradesdk.upgrade.opentelemetry.internal;
