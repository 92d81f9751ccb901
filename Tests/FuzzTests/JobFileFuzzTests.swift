import Foundation
import JSONText
import Spool
import Testing

/// The job file format: strict JSON and the job's own validation.
@Suite struct JobFileFuzzTests {
    /// Job-defect messages, by their documented beginnings (SPEC §5 bad files).
    static let defectPrefixes = [
        "file is larger than 1 MiB", "not UTF-8 (invalid byte at offset ", "not JSON: ", "not a job: ", "unknown job version ",
        "unknown job kind ", "unknown field \"", "missing field \"", "field \"", "unknown runner profile \"",
    ]

    /// Every valid job survives `encode` then `decode` unchanged.
    @Test func jobRoundTrip() {
        fuzz("job-roundtrip", generate: { randomJob(&$0) }, save: JobFile.encode) { job in
            let decoded = try JobFile.decode(JobFile.encode(job), origin: .spoolFile(fileName: job.id.fileName), rules: .inspection)
            try require(decoded == job, "round trip changed the job:\n\(job)\n\(decoded)")
        }
    }

    /// Damaged job files and random JSON: never a crash or a hang; a defect is a documented message
    /// (a JSON error names a byte inside the file, a UTF-8 error the first bad byte); every document
    /// the strict parser accepts is JSON to Foundation too; an accepted job re-encodes to itself.
    @Test func jobDecode() {
        fuzz("job-json", generate: damagedJob, save: \.bytes) { input in
            let job: Job
            do {
                job = try JobFile.decode(input.bytes, origin: input.origin, rules: input.rules)
            } catch let error as JobDefect {
                try check(error.message, bytes: input.bytes)
                return
            }
            let again = try JobFile.decode(JobFile.encode(job), origin: .spoolFile(fileName: job.id.fileName), rules: input.rules)
            try require(again == job, "an accepted job does not re-encode to itself")
        }
    }

    func check(_ message: String, bytes: [UInt8]) throws(Violation) {
        // Compared by scalars: a name starting with a combining mark joins the quote before it into one character.
        let documented = Self.defectPrefixes.contains { message.unicodeScalars.starts(with: $0.unicodeScalars) }
        try require(documented, "undocumented job defect: \(message)")
        if message.hasPrefix("not JSON: ") {
            let offset = message.split(separator: " ").last.flatMap { Int($0) }
            try require(offset.map { $0 <= bytes.count } == true, "JSON error without a byte inside the file: \(message)")
        } else if message.hasPrefix("not UTF-8") {
            let offset = message.split(separator: " ").last.flatMap { Int($0.dropLast()) } ?? -1
            try require(offset >= 0 && offset < bytes.count, "UTF-8 offset outside the file: \(message)")
            try require(String(validating: bytes[..<offset], as: UTF8.self) != nil, "invalid bytes before offset \(offset)")
        } else if !message.hasPrefix("file is larger") {
            let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
            try require(foundation != nil, "strict parser accepted what Foundation rejects (\(message))")
        }
    }

    // MARK: - Generators

    struct DecodeInput {
        var bytes: [UInt8]
        var origin: JobFile.Origin
        var rules: JobRules
    }

    func damagedJob(_ rng: inout SeededRandom) -> DecodeInput {
        let job = randomJob(&rng)
        let names = [
            "version", "id", "kind", "note", "gates", "gate", "select", "notes", "stale", "current_only", "runner",
            "model", "priority", "max_attempts", "timeout_s", "not_before", "key", "submitted_at", "attempts", "history", "x",
        ]
        var text: String
        switch rng.int(0...9) {
        case 0...4: text = String(decoding: JobFile.encode(job), as: UTF8.self)
        case 5, 6: text = replacingMember(of: JobFile.jsonValue(job), names: names, using: &rng)
        case 7: text = JSONText.value(depth: 6, names: names, using: &rng)
        case 8: text = JSONText.nested(depth: rng.int(60...70), using: &rng)
        default: text = rng.oneIn(20) ? JSONText.wide(count: rng.int(1_000...3_000)) : JSONText.value(depth: 2, names: names, using: &rng)
        }
        var bytes = Array(text.utf8)
        if rng.oneIn(2) {
            let lines = ["\"version\": 2,", "\"id\": \"../x\",", "\"x\": 1,", "{", "]", "\"\\ud800\"", "1e999", ",,"]
            bytes = Mutations.mutate(bytes, injecting: lines, using: &rng)
        }
        let origin: JobFile.Origin =
            rng.oneIn(3) ? .submission(submittedBy: "u@h") : .spoolFile(fileName: rng.oneIn(8) ? "other.json" : job.id.fileName)
        return DecodeInput(bytes: bytes, origin: origin, rules: rng.oneIn(2) ? .inspection : JobRules(knownRunners: ["codex", "sample"]))
    }

    /// The job as JSON with one member replaced, removed, duplicated or added.
    func replacingMember(of value: JSONValue, names: [String], using rng: inout SeededRandom) -> String {
        guard case .object(let members) = value else { return write(value) }
        var texts = members.map { ($0.name, write($0.value)) }
        let index = rng.int(0...members.count - 1)
        switch rng.int(0...3) {
        case 0: texts[index].1 = JSONText.value(depth: 3, names: names, using: &rng)
        case 1: texts.remove(at: index)
        case 2: texts.append(texts[index])
        default: texts.insert((rng.pick(names), JSONText.value(depth: 2, names: names, using: &rng)), at: index)
        }
        return "{" + texts.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// JSON text for a value, escaping only what RFC 8259 requires.
    func write(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .string(let text): "\"" + text.unicodeScalars.map(escape).joined() + "\""
        case .array(let items): "[" + items.map(write).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { "\"\($0.name)\":" + write($0.value) }.joined(separator: ",") + "}"
        }
    }

    func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case _ where scalar.value < 0x20: "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        default: String(scalar)
        }
    }

    /// A job that passes validation with `JobRules.inspection`: any shape the format allows.
    func randomJob(_ rng: inout SeededRandom) -> Job {
        let work: Job.Work
        if rng.oneIn(2) {
            work = .review(note: path(&rng), gates: (0..<rng.int(1...4)).map { _ in path(&rng) })
        } else {
            let selection: Job.SweepSelection =
                rng.oneIn(2) ? .notes((0..<rng.int(1...4)).map { _ in path(&rng) }) : .stale(currentOnly: rng.oneIn(2))
            work = .sweep(gate: path(&rng), selection: selection, batchSize: rng.pick([1, 5, 100, Int.max]))
        }
        let history = (0..<(rng.oneIn(3) ? rng.int(1...3) : 0)).map { attempt in
            AttemptRecord(
                attempt: attempt + 1, outcome: rng.pick(AttemptRecord.Outcome.allCases), reason: rng.oneIn(2) ? nil : text(&rng),
                runIDs: (0..<rng.int(0...3)).map { _ in Int64(rng.int(0...Int.max)) }, startedAt: date(&rng), endedAt: date(&rng))
        }
        let chosen = JobID(String(rng.word(maxLength: 40).map { $0 == "/" ? "_" : $0 }))
        let generated = rng.oneIn(2)
        // Drawn in the order of the arguments below, as before ids carried the priority.
        let runner = fieldText(&rng)
        let model = rng.pick(["gpt-5.4", "o3", "a b", "é"])
        let priority = rng.pick([0, 1, -5, Int.max, Int.min])
        let id = generated ? JobID.generate(priority: priority) : chosen ?? JobID.generate(priority: priority)
        return Job(
            id: id, work: work, runner: runner, model: model, priority: priority, maxAttempts: rng.int(1...100),
            timeoutSeconds: rng.oneIn(2) ? nil : rng.pick([1, 1800, Int.max]), notBefore: rng.oneIn(2) ? nil : date(&rng),
            key: rng.oneIn(2) ? nil : fieldText(&rng), submittedAt: rng.oneIn(5) ? nil : date(&rng),
            submittedBy: rng.oneIn(3) ? nil : fieldText(&rng), attempts: rng.int(0...5), history: history)
    }

    /// A relative path the job rules accept, with characters JSON must escape (no control characters: refused).
    func path(_ rng: inout SeededRandom) -> String {
        (0..<rng.int(1...3)).map { _ in
            rng.pick(["kb", "notes", "a b", "é", "\"q\"", "line\u{2028}sep", "x.md", "\u{A0}", "💡"]) + String(rng.int(0...9))
        }
        .joined(separator: "/")
    }

    /// Non-empty text with quotes, controls and non-ASCII characters (an attempt's reason).
    func text(_ rng: inout SeededRandom) -> String {
        rng.word() + rng.pick(["", "\"", "\\", "\n", "\u{7F}", "é", "\u{1F600}", "\u{0}", " x"])
    }

    /// Non-empty text with quotes and non-ASCII characters but no control characters, which job
    /// fields refuse (a runner, a key, `submitted_by`).
    func fieldText(_ rng: inout SeededRandom) -> String {
        rng.word() + rng.pick(["", "\"", "\\", "é", "\u{1F600}", "\u{A0}", " x"])
    }

    /// A whole second between 2000 and 2099.
    func date(_ rng: inout SeededRandom) -> Date {
        Date(timeIntervalSince1970: Double(rng.int(946_684_800...4_102_444_799)))
    }
}
