extension KnowledgeBase {
    /// The gate of a sweep, as enqueueing and the worker's expansion both check it: one gate id
    /// (`<lens>/<name>`, not a bundle), readable, with committed and clean content.
    public func sweepGate(_ id: String) throws -> Gate {
        guard try gateIds(for: id) == [id] else {
            throw KnowledgeBaseError("a sweep takes one gate id (<lens>/<name>), not a bundle: \(id)")
        }
        let gate = try gate(id)
        _ = try gateShas([gate])
        return gate
    }
}
