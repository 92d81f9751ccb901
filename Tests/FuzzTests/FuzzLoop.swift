import Foundation
import Testing

/// A property that did not hold for one input.
struct Violation: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Throws a ``Violation`` with `message` unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(Violation) {
    if !condition { throw Violation(message()) }
}

/// How long and with which seed to fuzz, from the environment:
/// `REVQ_FUZZ_SECONDS` (per target, default 0.4 for a CI run), `REVQ_FUZZ_SEED` (default random),
/// `REVQ_FUZZ_REPLAY` (run the one case of that seed), `REVQ_FUZZ_DIR` (set by `scripts/fuzz`:
/// where failing inputs, the case under test and `report.tsv` go; default a directory under the
/// system temp dir, for failing inputs only).
struct FuzzSettings {
    var seconds = 0.4
    var seed = UInt64.random(in: 1...UInt64.max)
    var replay: UInt64?
    var directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("revq-fuzz").path
    /// Whether `scripts/fuzz` runs the target: each input is written to disk before it runs, so that
    /// a crash leaves it behind, and a row of counts is appended to `report.tsv`.
    var isScripted = false
    /// A single case slower than this counts as a hang.
    var slowCaseSeconds = 10.0

    static let current: FuzzSettings = {
        let environment = ProcessInfo.processInfo.environment
        var settings = FuzzSettings()
        if let seconds = environment["REVQ_FUZZ_SECONDS"].flatMap(Double.init) { settings.seconds = seconds }
        if let seed = environment["REVQ_FUZZ_SEED"].flatMap({ UInt64($0) }) { settings.seed = seed }
        settings.replay = environment["REVQ_FUZZ_REPLAY"].flatMap { UInt64($0) }
        if let directory = environment["REVQ_FUZZ_DIR"] {
            settings.directory = directory
            settings.isScripted = true
        }
        return settings
    }()
}

/// Runs `check` on inputs made by `generate` until the time budget is spent; every input that
/// breaks a property (a thrown ``Violation`` or any other error) or runs too long is saved
/// (`<dir>/<target>-<seed>.input`, written by `save`) and recorded as a test issue with the
/// seed that replays it.
func fuzz<Input>(
    _ target: String, generate: (inout SeededRandom) -> Input, save: (Input) -> [UInt8],
    check: (Input) throws -> Void
) {
    let settings = FuzzSettings.current
    try? FileManager.default.createDirectory(atPath: settings.directory, withIntermediateDirectories: true)
    let current = settings.isScripted ? CaseFile(path: "\(settings.directory)/\(target).current") : nil
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int(settings.seconds * 1000))
    var cases: UInt64 = 0
    var failures = 0
    repeat {
        let seed = settings.replay ?? settings.seed &+ cases
        var rng = SeededRandom(seed: seed)
        let input = generate(&rng)
        current?.replace(with: save(input))
        let start = clock.now
        var problem: String?
        do {
            try check(input)
        } catch {
            problem = "\(error)"
        }
        let elapsed = clock.now - start
        if problem == nil, elapsed > .milliseconds(Int(settings.slowCaseSeconds * 1000)) {
            problem = "one case took \(elapsed)"
        }
        cases += 1
        guard let problem else { continue }
        failures += 1
        if failures <= 3 {
            let path = "\(settings.directory)/\(target)-\(seed).input"
            FileManager.default.createFile(atPath: path, contents: Data(save(input)))
            Issue.record("\(target): \(problem)\nreplay: REVQ_FUZZ_REPLAY=\(seed); input saved to \(path)")
        }
    } while settings.replay == nil && clock.now < deadline
    current?.remove()
    if settings.isScripted {
        let row = "\(target)\t\(cases)\t\(failures)\t\(settings.seconds)\t\(settings.seed)\n"
        appendLine(row, to: "\(settings.directory)/report.tsv")
    }
}

/// Appends `line` to a file, creating it if needed.
private func appendLine(_ line: String, to path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return }
    _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
    close(descriptor)
}

/// The input under test, kept on disk so that a crash of the process leaves it behind.
private final class CaseFile {
    let path: String
    let descriptor: Int32

    init?(path: String) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    func replace(with bytes: [UInt8]) {
        _ = ftruncate(descriptor, 0)
        _ = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    func remove() { unlink(path) }
}
