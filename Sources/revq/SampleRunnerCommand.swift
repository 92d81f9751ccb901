import ArgumentParser
import Glibc

/// `revq sample-runner`: the stand-in reviewer of `revq demo` and of the benchmarks, run as a
/// `command` runner profile. It reads the prompt on stdin, answers every gate block of the
/// prompt's bundle template with a canned review whose verdict is a hash of the note and the
/// gate (so the same pair always gets the same verdict), and writes a telemetry file. It reads
/// no note and judges nothing: it is a demo, never a reviewer.
struct SampleRunnerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample-runner",
        abstract: "A fake reviewer for the demo and benchmarks: canned verdicts, never a real review.",
        shouldDisplay: false)

    @Option(help: "Milliseconds to wait before answering, to look like a slower runner.") var delayMs = 0

    func validate() throws {
        if delayMs < 0 { throw ValidationError("--delay-ms must not be negative") }
    }

    func run() throws {
        // A `command` runner gets the prompt on stdin and in $REVQ_PROMPT_FILE; the file wins, so
        // that a queue-less baseline (xargs, huey, nq, task-spooler) can hand the same prompt to
        // many runners at once.
        if let path = getenv("REVQ_PROMPT_FILE").map({ String(cString: $0) }), !path.isEmpty {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0, dup2(fd, STDIN_FILENO) >= 0 else { throw CLIFailure.input("cannot read REVQ_PROMPT_FILE \(path)") }
            close(fd)
        }
        var prompt: [String] = []
        while let line = readLine(strippingNewline: true) { prompt.append(line) }
        if delayMs > 0 { usleep(useconds_t(delayMs) * 1000) }
        let answer = SampleReviewer.answer(promptLines: prompt)
        print(answer.text, terminator: "")
        if let path = getenv("REVQ_TELEMETRY_FILE").map({ String(cString: $0) }), !path.isEmpty {
            try SampleReviewer.writeFile(path, answer.telemetry(promptLines: prompt.count))
        }
    }
}

/// The canned answers of ``SampleRunnerCommand``: pure text, standard library only, because a
/// process is spawned per job.
enum SampleReviewer {
    /// The bundle printed and what it holds.
    struct Answer {
        var text: String
        var notes: Int
        var gates: Int

        /// Made-up token counts (so that `revq usage` and the status page have something to add
        /// up in the demo): 12 per prompt line in, 40 per gate review out.
        func telemetry(promptLines: Int) -> String {
            #"{"provider":"sample","model":"sample-model","demo":"revq sample-runner: canned verdicts, not a review","#
                + #""notes":\#(notes),"gate_reviews":\#(gates),"prompt_lines":\#(promptLines),"#
                + #""totals":{"input_tokens":\#(promptLines * 12),"output_tokens":\#(gates * 40)}}"# + "\n"
        }
    }

    static let banner = "revq sample runner: a demo that prints canned verdicts; it did not read or review anything.\n"

    /// Copies the sentinel lines of the prompt's output template (everything after its last
    /// `## Output contract` heading) and fills each gate block with a canned review.
    /// The note of a block is the enclosing `NOTE START` (sweep) or the `Target:` line (review).
    static func answer(promptLines lines: [String]) -> Answer {
        let start = (lines.lastIndex { $0.trimmed == "## Output contract" }).map { $0 + 1 } ?? 0
        var out = banner
        var note = "?"
        var notes = 0
        var gates = 0
        for line in lines[start...] {
            let trimmed = line.trimmed
            if let target = trimmed.after(prefix: "Target: ") { note = target }
            guard trimmed.hasPrefix("=== "), trimmed.hasSuffix(" ===") else { continue }
            out += trimmed + "\n"
            if let path = trimmed.between("=== NOTE START: ", " ===") {
                note = path
                notes += 1
            } else if let gate = trimmed.between("=== GATE REVIEW START: ", " ===") {
                out += review(note: note, gate: gate)
                gates += 1
            }
        }
        return Answer(text: out, notes: notes == 0 && gates > 0 ? 1 : notes, gates: gates)
    }

    /// One of a few canned reviews, chosen by a hash of the note and the gate.
    static func review(note: String, gate: String) -> String {
        let lead = "Sample review of \(note) against \(gate) (demo runner; nothing was read).\n\n"
        switch hash(note + "#" + gate) % 6 {
        case 0, 1: return lead + "Nothing to flag.\n\n## Result: PASS\n"
        case 2: return lead + "- INFO: the sample runner found nothing worth more than a note.\n"
        case 3: return lead + "- WARN: a sample finding: one sentence could say more with less.\n\n## Result: WARN\n"
        case 4: return lead + "**WARN — a sample finding: a claim could name its source**\n"
        default: return lead + "- FAIL: a sample finding: a claim does not match its linked note.\n\n## Result: FAIL\n"
        }
    }

    /// FNV-1a: stable across runs and platforms, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0100_0000_01b3
        }
        return value
    }

    static func writeFile(_ path: String, _ text: String) throws {
        guard let file = fopen(path, "w") else { throw ValidationError("cannot write telemetry file \(path)") }
        defer { fclose(file) }
        fputs(text, file)
    }
}

extension String {
    fileprivate var trimmed: Substring {
        let characters = self[...]
        let start = characters.firstIndex { !$0.isWhitespace } ?? characters.endIndex
        let end = characters.lastIndex { !$0.isWhitespace }.map { characters.index(after: $0) } ?? start
        return characters[start..<end]
    }
}

extension Substring {
    fileprivate func after(prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }

    fileprivate func between(_ prefix: String, _ suffix: String) -> String? {
        guard hasPrefix(prefix), hasSuffix(suffix), count >= prefix.count + suffix.count else { return nil }
        return String(dropFirst(prefix.count).dropLast(suffix.count))
    }
}
