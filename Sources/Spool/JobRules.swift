/// What a job is checked against besides its own shape: the configured runner profiles.
/// Paths get pure string checks here (relative, no `..`); whether a note or gate exists is
/// the caller's check against the knowledge base.
public struct JobRules: Sendable {
    /// The runner profile names a job may name; nil accepts any name (for reading, not for running).
    public var knownRunners: Set<String>?

    public init(knownRunners: Set<String>?) {
        self.knownRunners = knownRunners
    }

    /// Accepts any runner name: for inspecting jobs, never for enqueueing or claiming them.
    public static let inspection = JobRules(knownRunners: nil)

    /// Longest idempotency key as a file name under `keys/`, in bytes (`/`, `%` and control bytes count three).
    public static let maxKeyLength = 250
    public static let maxAttempts = 100
}

extension Job {
    /// Checks the values of a job whatever its origin (a decoded file, the CLI, a sweep's fan-out).
    public func validate(_ rules: JobRules) throws(JobDefect) {
        switch work {
        case .review(let note, let gates):
            try Self.checkPath(note, field: "note")
            guard !gates.isEmpty else { throw .invalid("gates", "must not be empty") }
            for gate in gates { try Self.checkPath(gate, field: "gates") }
        case .sweep(let gate, let selection, let batchSize):
            try Self.checkPath(gate, field: "gate")
            switch selection {
            case .notes(let notes), .batch(_, let notes):
                guard !notes.isEmpty else { throw .invalid("select.notes", "must not be empty") }
                for note in notes { try Self.checkPath(note, field: "select.notes") }
            case .stale:
                break
            }
            guard batchSize >= 1 else { throw .invalid("batch_size", "must be at least 1") }
        }
        guard !runner.isEmpty else { throw .invalid("runner", "must not be empty") }
        if let known = rules.knownRunners, !known.contains(runner) {
            let names = known.sorted().joined(separator: ", ")
            throw JobDefect("unknown runner profile \"\(runner)\" (configured: \(names.isEmpty ? "none" : names))")
        }
        guard !model.isEmpty, model.trimmingSpaces == model else {
            throw .invalid("model", "must be a non-empty name without surrounding spaces")
        }
        guard (1...JobRules.maxAttempts).contains(maxAttempts) else {
            throw .invalid("max_attempts", "must be between 1 and \(JobRules.maxAttempts)")
        }
        if let timeoutSeconds, timeoutSeconds < 1 { throw .invalid("timeout_s", "must be at least 1") }
        if let key {
            guard !key.isEmpty, KeyIndex.fileName(for: key).utf8.count <= JobRules.maxKeyLength else {
                throw .invalid("key", "must be 1 to \(JobRules.maxKeyLength) bytes long ('/', '%' and control bytes count three)")
            }
        }
        guard attempts >= 0 else { throw .invalid("attempts", "must not be negative") }
        try checkControlCharacters()
    }

    /// Refuses C0 controls, DEL and C1 controls in the fields a producer sets and operators see
    /// printed: such a job cannot be a mistake-free request, and its text could steer a terminal.
    func checkControlCharacters() throws(JobDefect) {
        var fields: [(String, String)] = [("runner", runner), ("model", model)]
        switch work {
        case .review(let note, let gates): fields += [("note", note)] + gates.map { ("gates", $0) }
        case .sweep(let gate, let selection, _):
            fields.append(("gate", gate))
            if case .notes(let notes) = selection { fields += notes.map { ("select.notes", $0) } }
            if case .batch(_, let notes) = selection { fields += notes.map { ("select.notes", $0) } }
        }
        fields += [("key", key), ("submitted_by", submittedBy)].compactMap { name, value in value.map { (name, $0) } }
        for (field, value) in fields {
            if let control = value.unicodeScalars.first(where: \.isControlCharacter) {
                let code = String(control.value, radix: 16, uppercase: true)
                throw .invalid(field, "holds a control character (U+\(String(repeating: "0", count: 4 - code.count) + code))")
            }
        }
    }

    /// A path or gate id relative to the KB root: not empty, not absolute, no `.`/`..`/empty component, no NUL or backslash.
    static func checkPath(_ path: String, field: String) throws(JobDefect) {
        guard !path.isEmpty else { throw .invalid(field, "has an empty path") }
        guard !path.hasPrefix("/") else { throw .invalid(field, "is outside the KB root (absolute path): \(path)") }
        guard !path.contains("\0"), !path.contains("\\") else {
            throw .invalid(field, "has a NUL or backslash in \(path)")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { throw .invalid(field, "is outside the KB root ('..'): \(path)") }
            if component.isEmpty || component == "." { throw .invalid(field, "is not a normalised path: \(path)") }
        }
    }
}

extension Unicode.Scalar {
    /// C0 (U+0000–U+001F), DEL (U+007F) or C1 (U+0080–U+009F).
    var isControlCharacter: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
