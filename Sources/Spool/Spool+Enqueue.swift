public import Foundation
import JSONText

/// The outcome of enqueueing one job.
public struct EnqueueResult: Sendable, Equatable {
    public let id: JobID
    /// Where the job is: `new/`, or `deferred/` when its `not_before` is in the future
    /// (for an existing job: the state it was found in).
    public let state: JobState
    /// True when the job's key was held by a live job: that job's id is returned and nothing is written.
    public let existing: Bool

    public init(id: JobID, state: JobState, existing: Bool) {
        self.id = id
        self.state = state
        self.existing = existing
    }
}

/// How a long enqueue reports and stops. `committed` gets each group of written jobs once they
/// are durable in their directory; `stopRequested` is asked between jobs (a signal handler's flag).
public struct EnqueueProgress {
    public var stopRequested: () -> Bool
    public var committed: ([EnqueueResult]) -> Void

    public init(stopRequested: @escaping () -> Bool = { false }, committed: @escaping ([EnqueueResult]) -> Void = { _ in }) {
        self.stopRequested = stopRequested
        self.committed = committed
    }

    /// Jobs made durable before `committed` is called, at most.
    static let group = 256
}

/// An enqueue stopped by ``EnqueueProgress/stopRequested``: `committed` were written (and
/// reported), every other job of the batch was not, and no temporary file is left.
public struct EnqueueInterrupted: Error, Sendable {
    public let committed: [EnqueueResult]
}

extension Spool {
    /// Enqueues one job durably: `tmp/<id>.json` written and `fsync`ed, renamed into `new/`
    /// (or `deferred/`), that directory `fsync`ed. A reader never sees a partial file.
    public func enqueue(_ job: Job, rules: JobRules, now: Date = Date()) throws -> EnqueueResult {
        try enqueue([job], rules: rules, now: now)[0]
    }

    /// Enqueues many jobs with one flush: every file is written to `tmp/`, then one `syncfs`
    /// makes them all durable, then each is renamed into place, highest priority first (a worker
    /// watching the spool meets them in claim order), and the target directories are `fsync`ed.
    /// All jobs are validated before anything is written; if writing fails, the temporary files
    /// are removed and no job of the batch is enqueued. Results are in the order of `jobs`; a
    /// job whose key is held by a live job is reported as that job, `existing`, and not written.
    /// A stop request before the first rename writes nothing; after it, the jobs renamed so far
    /// are kept and ``EnqueueInterrupted`` is thrown.
    public func enqueue(_ jobs: [Job], rules: JobRules, now: Date = Date(), progress: EnqueueProgress = .init()) throws
        -> [EnqueueResult]
    {
        for job in jobs {
            do { try job.validate(rules) } catch { throw SpoolError.invalidJob(error) }
        }
        let keys = KeyIndex(spool: self)
        guard jobs.contains(where: { $0.key != nil }) else { return try write(jobs, now: now, progress: progress) }
        return try keys.withLock {
            var results: [EnqueueResult?] = []
            var toWrite: [Job] = []
            var takenInBatch: [String: JobID] = [:]
            for job in jobs {
                guard let key = job.key else {
                    results.append(nil)
                    toWrite.append(job)
                    continue
                }
                if let holder = try takenInBatch[key] ?? keys.liveHolder(of: key) {
                    let state = try locate(holder, in: JobState.live) ?? targetState(of: job, now: now)
                    results.append(EnqueueResult(id: holder, state: state, existing: true))
                } else {
                    try keys.assign(key, to: job.id)
                    takenInBatch[key] = job.id
                    results.append(nil)
                    toWrite.append(job)
                }
            }
            let existing = results.compactMap { $0 }
            if !existing.isEmpty { progress.committed(existing) }
            let syncKeys = { if !takenInBatch.isEmpty { try SystemCalls.syncDirectory(self.keysDirectory) } }
            let writtenJobs: [EnqueueResult]
            do {
                writtenJobs = try write(toWrite, now: now, progress: progress)
            } catch {
                // The keys of jobs a stop kept committed must last; a key of a job never written
                // points at no live job, so it is free again.
                try? syncKeys()
                throw error
            }
            try syncKeys()
            var written = writtenJobs.makeIterator()
            return results.map { $0 ?? written.next()! }
        }
    }

    private func targetState(of job: Job, now: Date) -> JobState {
        if let notBefore = job.notBefore, notBefore > now { .deferred } else { .new }
    }

    /// Writes `jobs`; the results in their order.
    private func write(_ jobs: [Job], now: Date, progress: EnqueueProgress) throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        let batched = jobs.count > 1
        // Stable: FIFO within a priority, as the claim order is.
        let order = jobs.indices.sorted { jobs[$0].priority != jobs[$1].priority ? jobs[$0].priority > jobs[$1].priority : $0 < $1 }
        var temporaries: [Int: String] = [:]
        let removeTemporaries = { for path in temporaries.values { try? SystemCalls.unlinkIfPresent(path) } }
        do {
            for index in order {
                if progress.stopRequested() { throw EnqueueInterrupted(committed: []) }
                temporaries[index] = try creatingDirectories {
                    try writeTemporary(jobs[index].id.fileName, JobFile.encode(jobs[index]), exclusive: true, sync: !batched)
                }
            }
            if batched { try SystemCalls.syncFileSystem(containing: temporaryDirectory) }
            if progress.stopRequested() { throw EnqueueInterrupted(committed: []) }
        } catch {
            removeTemporaries()
            throw error
        }
        var results: [Int: EnqueueResult] = [:]
        var group: [EnqueueResult] = []
        var committed: [EnqueueResult] = []
        /// Makes the renamed jobs of the group durable, then reports them.
        func commitGroup() throws {
            guard !group.isEmpty else { return }
            for state in Set(group.map(\.state)) { try SystemCalls.syncDirectory(directory(state)) }
            progress.committed(group)
            committed += group
            group = []
        }
        defer { removeTemporaries() }
        for index in order {
            let job = jobs[index]
            let state = targetState(of: job, now: now)
            do {
                try SystemCalls.renameNoReplace(temporaries[index]!, path(state, job.id.fileName))
            } catch SpoolError.system(_, _, EEXIST) {
                throw SpoolError.alreadyExists(name: job.id.fileName, state: state)
            }
            temporaries[index] = nil
            let result = EnqueueResult(id: job.id, state: state, existing: false)
            results[index] = result
            group.append(result)
            let stop = progress.stopRequested()
            if stop || group.count == EnqueueProgress.group { try commitGroup() }
            if stop { throw EnqueueInterrupted(committed: committed) }
        }
        try commitGroup()
        return jobs.indices.map { results[$0]! }
    }
}

extension JobFile {
    /// The names of the top-level fields of a submitted job line, to tell a field left out
    /// (which takes the config's default) from one given with the built-in default's value.
    /// Empty when the line is not a JSON object (decoding says why).
    public static func fieldNames(_ line: [UInt8]) -> Set<String> {
        guard case .object(let members)? = try? JSONParser.parse(line) else { return [] }
        return Set(members.map(\.name))
    }
}
