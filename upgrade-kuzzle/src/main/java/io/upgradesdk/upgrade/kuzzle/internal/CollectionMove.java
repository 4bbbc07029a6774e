package io.upgradesdk.upgrade.kuzzle.internal;

/**
 * One v1 collection ({@code sourceIndex}/{@code sourceType}) and the v2 indice it becomes.
 *
 * @param kind   which storage it belongs to
 * @param alias  the Kuzzle {@code @} alias to create, or null (target before 2.14)
 */
public record CollectionMove(Kind kind, String sourceIndex, String sourceType, String target, String alias,
        boolean renamed) {

    /** Storage kinds, in the order the plan migrates them. */
    public enum Kind { INTERNAL, PLUGIN, PUBLIC }

    /** The v2 collection name (after the last '.' of the target). */
    public String targetCollection() {
        return target.substring(target.lastIndexOf('.') + 1);
    }

    /** "index/type", for messages. */
    public String source() {
        return sourceIndex + "/" + sourceType;
    }
}
