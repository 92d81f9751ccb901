/// What a job id typed by an operator names (``Spool/resolve(_:)``).
public enum JobReference: Sendable, Equatable {
    /// One job (or bad file): its file name and state.
    case found(name: String, state: JobState)
    /// Several ids start with the text; they are listed sorted.
    case ambiguous([String])
    case unknown
}

extension Spool {
    /// Resolves an id, a bad file's name or any unique prefix of one, over every state, from
    /// directory listings only. An exact id wins over the longer ids it is a prefix of (a
    /// sweep's id over its batches' `<id>-b<k>`); an id found in two states (a crash left a copy)
    /// is one id, in the first state of ``JobState/allCases``.
    public func resolve(_ text: String) throws -> JobReference {
        guard !text.isEmpty else { return .unknown }
        var matches: [String: (name: String, state: JobState)] = [:]
        for state in JobState.allCases {
            for name in try names(in: state) {
                let id = JobID(fileName: name)?.rawValue ?? name
                if id.hasPrefix(text), matches[id] == nil { matches[id] = (name, state) }
            }
        }
        if let exact = matches[text] ?? matches.values.first(where: { $0.name == text }) {
            return .found(name: exact.name, state: exact.state)
        }
        switch matches.count {
        case 0: return .unknown
        case 1: return .found(name: matches.values.first!.name, state: matches.values.first!.state)
        default: return .ambiguous(matches.keys.sorted())
        }
    }
}
