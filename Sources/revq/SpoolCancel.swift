import ArgumentParser
import Foundation
import Spool

extension SpoolCommand {
    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel",
            abstract: "Cancel jobs: each goes to failed/ as 'cancelled by operator'; a running one's runner is stopped first.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Job ids or unique prefixes.") var ids: [String] = []
        @OptionGroup var filter: JobFilter
        @Option(help: ArgumentHelp("Seconds to wait for the worker of a running job to stop it.", valueName: "seconds"))
        var wait: Double = 60

        func run() throws {
            let spool = try global.existingSpool()
            let records = try JobSelection.select(ids: ids, filter: filter, in: spool, states: [.new, .active, .deferred, .hold])
            var requested: [JobID] = []
            var status: Int32 = 0
            do {
                try JobSelection.each(records) { record in
                    let id = try record.jobID()
                    switch try spool.cancel(id) {
                    case .cancelled: print("cancelled \(id)")
                    case .requested: requested.append(id)
                    }
                }
            } catch let code as ExitCode {
                status = code.rawValue
            }
            // Every running job was asked first, so that their workers stop them at once.
            try JobSelection.each(requested) { try awaitEnd(of: $0, in: spool) }
            if status != 0 { throw ExitCode(status) }
        }

        /// Waits until the worker has moved the running job out of `active/`, and says where it went.
        private func awaitEnd(of id: JobID, in spool: Spool) throws {
            let deadline = Date().addingTimeInterval(wait)
            while try spool.locate(id) == .active {
                guard Date() < deadline else {
                    throw CLIFailure.runtime("\(id) is still running \(Int(wait))s after the cancel was asked; its worker stops it when it looks")
                }
                usleep(50_000)
            }
            let state = try spool.locate(id)
            guard state == .failed, let reason = try spool.find(id.rawValue)?.failure?.reason, reason == Spool.cancelReason else {
                throw CLIFailure.runtime("\(id) ended in \(state?.directoryName ?? "no state") before the cancel took effect")
            }
            print("cancelled \(id) (its runner was stopped)")
        }
    }
}
