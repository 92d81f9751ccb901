import Foundation
public import JSONText
import RevqTime

/// The job file format, version 1: strict decoding (every defect its own message) and a
/// canonical one-line encoding with the fields in the order of SPEC §5.1.
public enum JobFile {
    public static let version = 1
    /// Files larger than this are bad files, never parsed.
    public static let maxSize = 1 << 20

    /// Where the bytes come from, which decides the rules for `id` and the spool-managed fields.
    public enum Origin: Sendable {
        /// A file of the spool named `fileName`: `id` is required and must match the name;
        /// `attempts` and `history` may be present.
        case spoolFile(fileName: String)
        /// A producer's job (a `--jobs-from` line): `id`, `attempts` and `history` must be absent;
        /// the id is generated, `submitted_at` defaults to now and `submitted_by` to the given value.
        case submission(submittedBy: String?)
    }

    /// Decodes and validates a job file's bytes.
    public static func decode(_ bytes: [UInt8], origin: Origin, rules: JobRules) throws(JobDefect) -> Job {
        guard bytes.count <= maxSize else { throw JobDefect("file is larger than 1 MiB (\(bytes.count) bytes)") }
        if let offset = firstInvalidUTF8Offset(bytes) { throw JobDefect("not UTF-8 (invalid byte at offset \(offset))") }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw JobDefect("not JSON: \(error.message)")
        }
        let job = try decode(document, origin: origin)
        try job.validate(rules)
        return job
    }

    /// The job file's bytes: one line of JSON ending in a newline.
    public static func encode(_ job: Job) -> [UInt8] { JSONWriter.bytes(jsonValue(job)) }

    /// The job as a JSON object, fields in canonical order; `attempts` and `history` only once set.
    public static func jsonValue(_ job: Job) -> JSONValue {
        var members: [(name: String, value: JSONValue)] = [
            ("version", .integer(version)), ("id", .string(job.id.rawValue)), ("kind", .string(job.work.kind)),
        ]
        switch job.work {
        case .review(let note, let gates):
            members += [("note", .string(note)), ("gates", .array(gates.map(JSONValue.string)))]
        case .sweep(let gate, let selection, let batchSize):
            let select: JSONValue =
                switch selection {
                case .notes(let notes): .object([("notes", .array(notes.map(JSONValue.string)))])
                case .stale(let currentOnly): .object([("stale", .bool(true)), ("current_only", .bool(currentOnly))])
                case .batch(let sweep, let notes):
                    .object([("batch_of", .string(sweep.rawValue)), ("notes", .array(notes.map(JSONValue.string)))])
                }
            members += [("gate", .string(gate)), ("select", select), ("batch_size", .integer(batchSize))]
        }
        members += [
            ("runner", .string(job.runner)), ("model", .string(job.model)), ("priority", .integer(job.priority)),
            ("max_attempts", .integer(job.maxAttempts)), ("timeout_s", job.timeoutSeconds.map(JSONValue.integer) ?? .null),
            ("not_before", timestamp(job.notBefore)), ("key", job.key.map(JSONValue.string) ?? .null),
            ("submitted_at", timestamp(job.submittedAt)),
            ("submitted_by", job.submittedBy.map(JSONValue.string) ?? .null),
        ]
        if job.attempts != 0 || !job.history.isEmpty {
            members += [("attempts", .integer(job.attempts)), ("history", .array(job.history.map(jsonValue)))]
        }
        return .object(members)
    }

    static func jsonValue(_ record: AttemptRecord) -> JSONValue {
        .object([
            ("attempt", .integer(record.attempt)), ("outcome", .string(record.outcome.rawValue)),
            ("reason", record.reason.map(JSONValue.string) ?? .null),
            ("run_ids", .array(record.runIDs.map { .integer(Int($0)) })),
            ("started_at", timestamp(record.startedAt)), ("ended_at", timestamp(record.endedAt)),
        ])
    }

    static func timestamp(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.format($0)) } ?? .null }

    /// The offset of the first byte that is not part of valid UTF-8, nil when all is valid.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private static let commonFields: Set<String> = [
        "version", "id", "kind", "runner", "model", "priority", "max_attempts", "timeout_s", "not_before", "key",
        "submitted_at", "submitted_by", "attempts", "history",
    ]
    private static let kindFields: [String: Set<String>] = [
        "review": ["note", "gates"], "sweep": ["gate", "select", "batch_size"],
    ]

    private static func decode(_ document: JSONValue, origin: Origin) throws(JobDefect) -> Job {
        guard case .object(let members) = document else {
            throw JobDefect("not a job: the file must hold a JSON object, found \(document.typeName)")
        }
        let fields = Fields(members: members)
        let version = try fields.integer("version")
        guard version == self.version else { throw JobDefect("unknown job version \(version) (supported: 1)") }
        let kind = try fields.string("kind")
        guard let extra = kindFields[kind] else { throw JobDefect("unknown job kind \"\(kind)\" (expected review or sweep)") }
        if let unknown = members.first(where: { !commonFields.contains($0.name) && !extra.contains($0.name) }) {
            throw .unknownField(unknown.name)
        }
        // Nil for a submission: `Job` generates an id that carries the job's priority.
        let id: JobID?
        let submittedAt: Date?
        let submittedBy: String?
        switch origin {
        case .spoolFile(let fileName):
            let text = try fields.string("id")
            guard let parsed = JobID(text) else { throw .invalid("id", "is not a file-name safe id: \(text)") }
            guard parsed.fileName == fileName else {
                throw .invalid("id", "\(text) does not match the file name \(fileName)")
            }
            id = parsed
            submittedAt = try fields.optionalTimestamp("submitted_at")
            submittedBy = try fields.optionalString("submitted_by")
        case .submission(let producer):
            for managed in ["id", "attempts", "history"] where fields[managed] != nil {
                throw .invalid(managed, "is set by the spool, not by a producer")
            }
            id = nil
            submittedAt = try fields.optionalTimestamp("submitted_at") ?? Date()
            submittedBy = try fields.optionalString("submitted_by") ?? producer
        }
        let work: Job.Work
        if kind == "review" {
            work = .review(note: try fields.string("note"), gates: try fields.strings("gates"))
        } else {
            work = .sweep(
                gate: try fields.string("gate"), selection: try selection(fields.required("select"), origin: origin),
                batchSize: try fields.optionalInteger("batch_size") ?? Job.defaultBatchSize)
        }
        return Job(
            id: id, work: work, runner: try fields.string("runner"), model: try fields.string("model"),
            priority: try fields.optionalInteger("priority") ?? Job.defaultPriority,
            maxAttempts: try fields.optionalInteger("max_attempts") ?? Job.defaultMaxAttempts,
            timeoutSeconds: try fields.optionalInteger("timeout_s", nullable: true),
            notBefore: try fields.optionalTimestamp("not_before"), key: try fields.optionalString("key"),
            submittedAt: submittedAt, submittedBy: submittedBy,
            attempts: try fields.optionalInteger("attempts") ?? 0,
            history: try history(fields["history"]))
    }

    private static func selection(_ value: JSONValue, origin: Origin) throws(JobDefect) -> Job.SweepSelection {
        guard case .object(let members) = value else {
            throw .wrongType("select", expected: "an object", found: value)
        }
        let fields = Fields(members: members, prefix: "select.")
        if let unknown = members.first(where: { !["notes", "stale", "current_only", "batch_of"].contains($0.name) }) {
            throw .unknownField("select." + unknown.name)
        }
        if fields["batch_of"] != nil {
            guard case .spoolFile = origin else {
                throw .invalid("select.batch_of", "is set by the worker when it expands a sweep, not by a producer")
            }
            guard fields["stale"] == nil, fields["current_only"] == nil else {
                throw .invalid("select", "a batch holds \"batch_of\" and \"notes\" only")
            }
            let text = try fields.string("batch_of")
            guard let sweep = JobID(text) else { throw .invalid("select.batch_of", "is not a job id: \(text)") }
            return .batch(of: sweep, notes: try fields.strings("notes"))
        }
        switch (fields["notes"], fields["stale"]) {
        case (.some, nil):
            guard fields["current_only"] == nil else { throw .unknownField("select.current_only") }
            return .notes(try fields.strings("notes"))
        case (nil, .some(.bool(true))):
            return .stale(currentOnly: try fields.optionalBool("current_only") ?? false)
        case (nil, .some(let other)):
            throw .invalid("select.stale", "must be true, found \(other.typeName == "boolean" ? "false" : other.typeName)")
        default:
            throw .invalid("select", "must hold either \"notes\" or \"stale\"")
        }
    }

    private static func history(_ value: JSONValue?) throws(JobDefect) -> [AttemptRecord] {
        guard let value, value != .null else { return [] }
        guard case .array(let elements) = value else { throw .wrongType("history", expected: "an array", found: value) }
        var records: [AttemptRecord] = []
        for (index, element) in elements.enumerated() {
            let prefix = "history[\(index)]."
            guard case .object(let members) = element else {
                throw .wrongType("history[\(index)]", expected: "an object", found: element)
            }
            let fields = Fields(members: members, prefix: prefix)
            let outcomeName = try fields.string("outcome")
            guard let outcome = AttemptRecord.Outcome(rawValue: outcomeName) else {
                throw .invalid(prefix + "outcome", "is not a known outcome: \(outcomeName)")
            }
            records.append(
                AttemptRecord(
                    attempt: try fields.integer("attempt"), outcome: outcome, reason: try fields.optionalString("reason"),
                    runIDs: try fields.integers("run_ids").map(Int64.init), startedAt: try fields.timestamp("started_at"),
                    endedAt: try fields.timestamp("ended_at")))
        }
        return records
    }
}

/// Typed access to an object's members; every failure names the field.
private struct Fields {
    let members: [(name: String, value: JSONValue)]
    var prefix = ""

    subscript(name: String) -> JSONValue? { members.first { $0.name == name }?.value }

    func required(_ name: String) throws(JobDefect) -> JSONValue {
        guard let value = self[name] else { throw .missing(prefix + name) }
        return value
    }

    func string(_ name: String) throws(JobDefect) -> String {
        let value = try required(name)
        guard case .string(let text) = value else { throw .wrongType(prefix + name, expected: "a string", found: value) }
        return text
    }

    func integer(_ name: String) throws(JobDefect) -> Int {
        let value = try required(name)
        guard case .integer(let number) = value else {
            throw .wrongType(prefix + name, expected: "an integer", found: value)
        }
        return number
    }

    func strings(_ name: String) throws(JobDefect) -> [String] {
        let value = try required(name)
        guard case .array(let elements) = value else {
            throw .wrongType(prefix + name, expected: "an array of strings", found: value)
        }
        var texts: [String] = []
        for element in elements {
            guard case .string(let text) = element else {
                throw .wrongType(prefix + name, expected: "an array of strings", found: element)
            }
            texts.append(text)
        }
        return texts
    }

    func integers(_ name: String) throws(JobDefect) -> [Int] {
        let value = try required(name)
        guard case .array(let elements) = value else {
            throw .wrongType(prefix + name, expected: "an array of integers", found: value)
        }
        var numbers: [Int] = []
        for element in elements {
            guard case .integer(let number) = element else {
                throw .wrongType(prefix + name, expected: "an array of integers", found: element)
            }
            numbers.append(number)
        }
        return numbers
    }

    func timestamp(_ name: String) throws(JobDefect) -> Date {
        let text = try string(name)
        guard let date = Timestamp.parse(text) else {
            throw .invalid(prefix + name, "must be an ISO-8601 time with an offset, found \"\(text)\"")
        }
        return date
    }

    func optionalString(_ name: String) throws(JobDefect) -> String? {
        guard let value = self[name], value != .null else { return nil }
        return try string(name)
    }

    /// An absent integer is nil; `null` is accepted only when `nullable`.
    func optionalInteger(_ name: String, nullable: Bool = false) throws(JobDefect) -> Int? {
        guard let value = self[name] else { return nil }
        if value == .null, nullable { return nil }
        return try integer(name)
    }

    func optionalBool(_ name: String) throws(JobDefect) -> Bool? {
        guard let value = self[name] else { return nil }
        guard case .bool(let flag) = value else { throw .wrongType(prefix + name, expected: "a boolean", found: value) }
        return flag
    }

    func optionalTimestamp(_ name: String) throws(JobDefect) -> Date? {
        guard let value = self[name], value != .null else { return nil }
        return try timestamp(name)
    }
}
