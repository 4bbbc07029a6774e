/** Implementation of the Spring Boot integration; not public API, free to change. */
package io.upgradesdk.upgrade.spring.boot.internal;
