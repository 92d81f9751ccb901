public import ReviewFormat

/// A problem with a store operation. A refusal (unknown run, terminal run, duplicate or
/// unrequested gate) leaves the store as it was; other errors are failures at run time.
public struct ReviewStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public let isRefusal: Bool
    public init(_ message: String, isRefusal: Bool) {
        self.message = message
        self.isRefusal = isRefusal
    }
    public var description: String { message }

    static func refused(_ message: String) -> ReviewStoreError { ReviewStoreError(message, isRefusal: true) }
}

public enum RunStatus: String, Sendable, Codable, CaseIterable {
    case running, completed, failed
    public var isTerminal: Bool { self != .running }
}

/// What ``ReviewStore/createRun(_:)`` needs to start a run.
public struct NewRun: Sendable {
    public var notePath: String
    /// The requested partition.
    public var modelId: String
    /// The runner as recorded (``RunnerName/stored(_:)``: `claude` is recorded as `claude-code`).
    public var runner: String
    public var noteSha: String
    public var noteCommit: String?
    /// The requested gate set in ordinal order, with each gate's committed blob sha.
    public var gates: [(id: String, sha: String)]

    public init(notePath: String, modelId: String, runner: String, noteSha: String, noteCommit: String?, gates: [(id: String, sha: String)])
    {
        self.notePath = notePath
        self.modelId = modelId
        self.runner = RunnerName.stored(runner)
        self.noteSha = noteSha
        self.noteCommit = noteCommit
        self.gates = gates
    }
}

/// Telemetry, raw output and debug log of a run; nil fields leave the stored value as is.
public struct ExecutionData: Sendable, Equatable {
    public var telemetryJSON: String?
    public var rawBundleMarkdown: String?
    public var debugLog: String?
    public init(telemetryJSON: String? = nil, rawBundleMarkdown: String? = nil, debugLog: String? = nil) {
        self.telemetryJSON = telemetryJSON
        self.rawBundleMarkdown = rawBundleMarkdown
        self.debugLog = debugLog
    }
}

/// One gate's review to record: its decision and canonical rationale.
public struct GateReviewInput: Sendable, Equatable {
    public var gateId: String
    public var decision: Decision
    public var rationaleMarkdown: String
    public var evidenceJSON: String?

    public init(gateId: String, decision: Decision, rationaleMarkdown: String, evidenceJSON: String? = nil) {
        self.gateId = gateId
        self.decision = decision
        self.rationaleMarkdown = rationaleMarkdown
        self.evidenceJSON = evidenceJSON
    }

    /// The review a runner wrote in a gate block, in canonical form.
    public init(block: GateBlock) {
        let canonical = DecisionParser.canonicalize(block.body)
        self.init(gateId: block.gateId, decision: canonical.decision, rationaleMarkdown: canonical.text)
    }
}

/// A row of `review_runs` with its requested gates.
public struct RunRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var notePath: String
    public var modelId: String
    public var runner: String
    public var reviewedNoteSha: String
    public var reviewedNoteCommit: String?
    public var startedAt: String
    public var completedAt: String?
    public var status: RunStatus
    public var failureReason: String?
    public var telemetryJSON: String?
    public var rawBundleMarkdown: String?
    public var debugLog: String?
    public var gates: [RunGate]
}

/// What finalizing a run made of it, as written (nothing is read back).
public struct FinalizedRun: Sendable, Equatable {
    public var id: Int64
    public var notePath: String
    /// The partition the run ended under (the actual one when it differed).
    public var modelId: String
    public var completedAt: String
    public var status: RunStatus { .completed }

    public init(id: Int64, notePath: String, modelId: String, completedAt: String) {
        (self.id, self.notePath, self.modelId, self.completedAt) = (id, notePath, modelId, completedAt)
    }
}

/// A row of `review_run_gates`.
public struct RunGate: Sendable, Equatable, Codable {
    public var gateId: String
    public var gateSha: String
    public var ordinal: Int
}

/// A row of `gate_reviews`.
public struct GateReviewRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var reviewRunId: Int64?
    public var notePath: String
    public var gateId: String
    public var modelId: String
    public var decision: Decision
    public var rationaleMarkdown: String
    public var evidenceJSON: String?
    public var gateSha: String
    public var reviewedNoteSha: String
    public var reviewedNoteCommit: String?
    public var reviewedAt: String
    public var reviewKind: String
}

/// A row of `acceptance_events`.
public struct AcceptanceRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var notePath: String
    public var gateId: String
    public var modelId: String
    public var acceptedReviewId: Int64?
    public var acceptedNoteSha: String
    public var acceptedNoteCommit: String?
    public var acceptedGateSha: String
    public var acceptedAt: String
    public var acceptanceKind: String
}

/// A spool job and the attempt of it that a run belongs to.
public struct JobAttempt: Sendable, Equatable {
    public var jobId: String
    public var attempt: Int
    public init(jobId: String, attempt: Int) {
        self.jobId = jobId
        self.attempt = attempt
    }
}
