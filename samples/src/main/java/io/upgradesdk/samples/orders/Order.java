package io.upgradesdk.samples.orders;

/** One order, as both tables hold it. */
public record Order(long id, String customer, long amountCents) {
}
