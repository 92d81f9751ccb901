import ArgumentParser
import Foundation
import RevqTime
import Spool

/// `revq follow <id>`: a job's state changes and its runner's raw output as it is written,
/// until the job ends in `done/` (exit 0) or `failed/` (exit 1). The spool is looked at every
/// ``FollowCommand/pollInterval``; state lines start with `revq: ` to stand apart from the output.
struct FollowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow", abstract: "Print a job's state changes and its runner's output, live, until it ends.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Job id or unique prefix.") var id: String

    static let pollInterval: useconds_t = 100_000

    func run() throws {
        let spool = try global.existingSpool()
        let (name, _) = try spool.job(named: id)
        guard let jobID = JobID(fileName: name) else { throw CLIFailure.input("\(name) is not a job file") }
        var output: OutputTail?
        var last: (state: JobState?, running: RunningAttempt?) = (nil, nil)
        var misses = 0
        while true {
            // A job renamed back to an earlier state between two lookups is missed once.
            guard let state = try spool.locate(jobID) else {
                misses += 1
                guard misses < 10 else { throw CLIFailure.runtime("\(jobID) is gone from \(spool.root)") }
                usleep(Self.pollInterval)
                continue
            }
            misses = 0
            let running = state == .active ? spool.runningAttempt(of: jobID) : nil
            if running != last.running, let running {
                output?.drain()
                output?.endLine()
                output = OutputTail(path: running.outputPath)
                say("attempt \(running.attempt), run \(running.runIDs.map(String.init).joined(separator: ",")): \(running.outputPath)")
            }
            output?.drain()
            if state != last.state {
                output?.endLine()
                announce(state, of: jobID, in: spool)
            }
            last = (state, running ?? last.running)
            switch state {
            case .done: return
            case .failed: throw ExitCode(1)
            default: usleep(Self.pollInterval)
            }
        }
    }

    private func announce(_ state: JobState, of id: JobID, in spool: Spool) {
        let record = try? spool.record(id.fileName, in: state)
        let reason = state == .failed ? record?.failure.map { ": " + $0.reason } ?? "" : ""
        let notBefore = state == .deferred ? record?.job?.notBefore.map { " until " + Timestamp.format($0) } ?? "" : ""
        say("\(id) \(state.directoryName)\(notBefore)\(reason)")
    }

    private func say(_ line: String) {
        print("revq: " + Output.visible(line))
        fflush(nil)
    }
}

/// The part of a growing file not printed yet, printed as it is but for control bytes (an
/// escape sequence in a runner's output must not reach the terminal), which are made visible.
private final class OutputTail {
    let path: String
    private var offset: off_t = 0
    /// Whether what was printed ends a line (a state line then needs no line break first).
    private(set) var endsLine = true

    init(path: String) { self.path = path }

    /// Prints what was appended since the last call.
    func drain() {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = pread(fd, &buffer, buffer.count, offset)
            guard count > 0 else { break }
            FileHandle.standardOutput.write(Data(Self.visible(buffer[..<count])))
            endsLine = buffer[count - 1] == UInt8(ascii: "\n")
            offset += off_t(count)
        }
    }

    /// Ends the printed output's last line if it is not ended.
    func endLine() {
        if !endsLine { FileHandle.standardOutput.write(Data("\n".utf8)) }
        endsLine = true
    }

    /// `bytes` with C0 controls but line feed and tab, and DEL, written as `\xNN`.
    static func visible(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(where: isControl) else { return Array(bytes) }
        return bytes.flatMap { byte in
            isControl(byte) ? Array("\\x".utf8) + Array(String(byte, radix: 16).leftPadded(to: 2).utf8) : [byte]
        }
    }

    private static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
