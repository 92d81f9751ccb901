public import CoreMetrics
public import Foundation
public import Runner

/// The few points at which a worker reports what it does, as swift-metrics counters, timers and
/// gauges. The worker calls these and knows nothing of the backend: `revq worker` with
/// `metrics.listen` passes a Prometheus factory; without it the calls go to swift-metrics' no-op
/// factory. Every name and label set is listed in ``MetricName``; the README says what each means.
public struct WorkerMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// A claimed job's attempt ended; `outcome` is where the job went (see the README's table).
    public func jobFinished(kind: String, outcome: String, duration: Duration) {
        Counter(label: MetricName.jobsFinished, dimensions: [("kind", kind), ("outcome", outcome)], factory: factory).increment()
        Timer(label: MetricName.jobDuration, dimensions: [("kind", kind)], factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    /// A job was claimed `latency` after it became ready (enqueued, or due again).
    public func jobPickedUp(latency: Duration) {
        Timer(label: MetricName.pickupLatency, factory: factory).recordNanoseconds(max(.zero, latency).nanoseconds)
    }

    /// A runner process ended; counts it by reason and adds its telemetry's tokens per model.
    public func runnerEnded(_ termination: RunnerTermination, telemetryJSON: String?) {
        Counter(label: MetricName.runnerExits, dimensions: [("reason", Self.reason(termination))], factory: factory).increment()
        guard let telemetryJSON else { return }
        for (model, counts) in TelemetryTokens.usage(telemetryJSON: telemetryJSON) {
            let model = model ?? "unknown"
            let kinds: [(String, Int64)] = [
                ("input", counts.input), ("cached_input", counts.cachedInput), ("output", counts.output), ("reasoning", counts.reasoning),
            ]
            for (kind, count) in kinds where count > 0 {
                Counter(label: MetricName.tokens, dimensions: [("model", model), ("kind", kind)], factory: factory).increment(by: count)
            }
        }
    }

    /// The pool stopped claiming because a runner's quota ran out.
    public func quotaPaused() {
        Counter(label: MetricName.quotaPauses, factory: factory).increment()
    }

    /// A write to or read from the review store failed under a job.
    public func storeFailed() {
        Counter(label: MetricName.storeErrors, factory: factory).increment()
    }

    /// The worker is ready (recovered, watching) or no longer is (draining, stopped).
    public func workerReady(_ ready: Bool) {
        Gauge(label: MetricName.workerReady, factory: factory).record(ready ? 1 : 0)
    }

    static func reason(_ termination: RunnerTermination) -> String {
        switch termination {
        case .exited(0): "success"
        case .exited: "exit_status"
        case .signaled: "signal"
        case .timedOut: "timeout"
        case .stopped: "stopped"
        case .launchFailed: "launch_failed"
        case .promptTooLarge: "prompt_too_large"
        }
    }
}

/// The names of revq's metrics, in Prometheus form.
public enum MetricName {
    public static let jobs = "revq_jobs"
    public static let jobsFinished = "revq_jobs_finished_total"
    public static let jobDuration = "revq_job_duration_seconds"
    public static let pickupLatency = "revq_job_pickup_latency_seconds"
    public static let runnerExits = "revq_runner_exits_total"
    public static let runs = "revq_runs"
    public static let tokens = "revq_tokens_total"
    public static let quotaPauses = "revq_quota_pauses_total"
    public static let pausedUntil = "revq_paused_until_timestamp_seconds"
    public static let storeErrors = "revq_store_errors_total"
    public static let workerReady = "revq_worker_ready"
    public static let buildInfo = "revq_build_info"
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
