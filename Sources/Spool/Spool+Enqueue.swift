public import Foundation

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

extension Spool {
    /// Enqueues one job durably: `tmp/<id>.json` written and `fsync`ed, renamed into `new/`
    /// (or `deferred/`), that directory `fsync`ed. A reader never sees a partial file.
    public func enqueue(_ job: Job, rules: JobRules, now: Date = Date()) throws -> EnqueueResult {
        try enqueue([job], rules: rules, now: now)[0]
    }

    /// Enqueues many jobs with one flush: every file is written to `tmp/`, then one `syncfs`
    /// makes them all durable, then each is renamed into place and the target directories are
    /// `fsync`ed once. All jobs are validated before anything is written; if writing fails,
    /// the temporary files are removed and no job of the batch is enqueued.
    public func enqueue(_ jobs: [Job], rules: JobRules, now: Date = Date()) throws -> [EnqueueResult] {
        for job in jobs {
            do { try job.validate(rules) } catch { throw SpoolError.invalidJob(error) }
        }
        let keys = KeyIndex(spool: self)
        guard jobs.contains(where: { $0.key != nil }) else { return try write(jobs, now: now) }
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
            var written = try write(toWrite, now: now).makeIterator()
            if !takenInBatch.isEmpty { try SystemCalls.syncDirectory(keysDirectory) }
            return results.map { $0 ?? written.next()! }
        }
    }

    private func targetState(of job: Job, now: Date) -> JobState {
        if let notBefore = job.notBefore, notBefore > now { .deferred } else { .new }
    }

    private func write(_ jobs: [Job], now: Date) throws -> [EnqueueResult] {
        guard !jobs.isEmpty else { return [] }
        let batched = jobs.count > 1
        var temporaries: [String] = []
        do {
            for job in jobs {
                let bytes = JobFile.encode(job)
                temporaries.append(
                    try creatingDirectories { try writeTemporary(job.id.fileName, bytes, exclusive: true, sync: !batched) })
            }
            if batched { try SystemCalls.syncFileSystem(containing: temporaryDirectory) }
        } catch {
            for path in temporaries { try? SystemCalls.unlinkIfPresent(path) }
            throw error
        }
        var results: [EnqueueResult] = []
        for (job, temporary) in zip(jobs, temporaries) {
            let state = targetState(of: job, now: now)
            do {
                try SystemCalls.renameNoReplace(temporary, path(state, job.id.fileName))
            } catch SpoolError.system(_, _, EEXIST) {
                try? SystemCalls.unlinkIfPresent(temporary)
                throw SpoolError.alreadyExists(name: job.id.fileName, state: state)
            }
            results.append(EnqueueResult(id: job.id, state: state, existing: false))
        }
        for state in Set(results.map(\.state)) { try SystemCalls.syncDirectory(directory(state)) }
        return results
    }
}
