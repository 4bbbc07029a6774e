package io.upgradesdk.upgrade.kuzzle.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A document: id and source. */
public record Doc(String id, ObjectNode source) {
}
