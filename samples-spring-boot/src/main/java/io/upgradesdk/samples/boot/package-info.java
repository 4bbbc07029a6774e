/** A sample Spring Boot host whose upgrade plans run at startup: {@link io.upgradesdk.samples.boot.ShopApplication}. */
package io.upgradesdk.samples.boot;
