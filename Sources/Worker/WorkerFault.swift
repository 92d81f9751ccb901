import Foundation
import Glibc
import ReviewFlow
import ReviewStore
import Spool

/// A fault of the worker's surroundings, not of the job that met it: the store, the disk or the
/// knowledge base's repository.
/// A job that meets one goes back where it was without spending an attempt, and the pool stops
/// claiming until the fault is gone (see ``PoolState``).
struct WorkerFault: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// The store (busy past its timeout, malformed, read-only, removed, replaced, I/O).
        case store(StoreFault.Kind)
        /// No space left on the device of the spool, the store or the artifacts.
        case diskFull
        /// The knowledge base's repository cannot be read (see ``WorkerContext/knowledgeBaseFault()``).
        case knowledgeBase
    }

    let kind: Kind
    let detail: String

    /// Waiting may clear it: a lock is released, space is freed, the repository reads again.
    /// Others need an operator.
    var isTransient: Bool {
        switch kind {
        case .diskFull, .knowledgeBase, .store(.busy), .store(.diskFull): true
        case .store: false
        }
    }

    /// A store busy past its timeout: claiming resumes at once when a probe gets the lock.
    var isBusy: Bool { kind == .store(.busy) }

    var description: String {
        switch kind {
        case .diskFull, .store(.diskFull): "disk full: \(detail)"
        case .knowledgeBase: "knowledge base unreadable: \(detail)"
        case .store(let kind): "review store \(kind.rawValue): \(detail)"
        }
    }

    init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The fault `error` is, if it is one: a ``StoreFault`` (of `store`, when given, which tells
    /// a store it cannot write from other I/O errors), or `ENOSPC`/`EDQUOT` from the spool, the
    /// run's artifacts or Foundation's file writes.
    static func classify(_ error: any Error, store: ReviewStore? = nil) -> WorkerFault? {
        if let fault = error as? WorkerFault { return fault }
        if let fault = store?.fault(of: error) ?? StoreFault.classify(error) {
            return fault.kind == .diskFull ? WorkerFault(.diskFull, fault.detail) : WorkerFault(.store(fault.kind), fault.detail)
        }
        if case SpoolError.system(let call, let path, let code) = error, isDiskFull(code) {
            return WorkerFault(.diskFull, "\(call) \(path): \(String(cString: strerror(code)))")
        }
        if let error = error as? ArtifactWriteError, isDiskFull(error.code) { return WorkerFault(.diskFull, "\(error)") }
        var next: (any Error)? = error
        while let current = next as NSError? {
            if current.domain == NSPOSIXErrorDomain, isDiskFull(Int32(truncatingIfNeeded: current.code)) {
                return WorkerFault(.diskFull, current.localizedDescription)
            }
            if current.domain == NSCocoaErrorDomain, current.code == CocoaError.fileWriteOutOfSpace.rawValue {
                return WorkerFault(.diskFull, current.localizedDescription)
            }
            next = current.userInfo[NSUnderlyingErrorKey] as? any Error
        }
        return nil
    }

    /// The `errno` values of a full disk: no space, or the user's quota spent.
    private static func isDiskFull(_ code: Int32) -> Bool { code == ENOSPC || code == EDQUOT }
}
