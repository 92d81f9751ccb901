// A test helper that drives a spool from its own process, so that the spool tests can run
// producers and claimers concurrently as separate processes.
//
//   SpoolStress produce <spool> <count>   enqueue <count> jobs one by one, print each id
//   SpoolStress claim <spool> <stop-file> claim and finish jobs until <stop-file> exists and
//                                         new/ is empty, print each claimed id
//   SpoolStress flood <spool>             enqueue large jobs until killed, print "ready" first
import Foundation
import JSONText
import Spool

let rules = JobRules(knownRunners: ["codex"])
let arguments = CommandLine.arguments
let spool = Spool(root: arguments[2])

func job(gates: Int) -> Job {
    Job(
        work: .review(note: "kb/notes/a.md", gates: (0..<gates).map { "lens/gate-\($0)" }), runner: "codex",
        model: "m")
}

func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

switch arguments[1] {
case "produce":
    for _ in 0..<Int(arguments[3])! {
        emit(try spool.enqueue(job(gates: 1), rules: rules).id.rawValue)
    }
case "claim":
    var index = JobIndex()
    while true {
        try index.refresh(from: spool)
        if let claimed = try spool.claimNext(from: &index, rules: rules) {
            emit(claimed.id.rawValue)
            try claimed.finish(AttemptReport(), result: .null)
        } else if FileManager.default.fileExists(atPath: arguments[3]), try spool.names(in: .new).isEmpty {
            break
        }
    }
case "flood":
    emit("ready")
    while true { _ = try spool.enqueue(job(gates: 20_000), rules: rules) }
default:
    FileHandle.standardError.write(Data("unknown mode \(arguments[1])\n".utf8))
    exit(2)
}
