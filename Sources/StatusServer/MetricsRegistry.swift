import CoreMetrics
import Foundation
public import Prometheus
import ReviewStore
import Spool
import WorkerMetrics

/// The Prometheus registry of one worker and the swift-metrics factory that feeds it, with the
/// histogram buckets revq's timers need (runner calls take minutes, pickups milliseconds).
public struct MetricsRegistry: Sendable {
    public let registry = PrometheusCollectorRegistry()
    public let factory: PrometheusMetricsFactory

    /// The version `revq_build_info` reports.
    public static let version = revqVersion

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            MetricName.pickupLatency: [
                .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5), .seconds(30),
            ],
            MetricName.jobDuration: [
                .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30),
                .seconds(60), .seconds(120), .seconds(300), .seconds(600), .seconds(1200), .seconds(1800), .seconds(3600),
            ],
        ]
        self.factory = factory
        Gauge(label: MetricName.buildInfo, dimensions: [("version", Self.version)], factory: factory).record(1)
        // Series that exist from the start, so that rates and alerts see their first increase.
        Gauge(label: MetricName.workerReady, factory: factory).record(0)
        for label in [MetricName.storeErrors, MetricName.quotaPauses] { Counter(label: label, factory: factory).increment(by: 0) }
        for kind in ["review", "sweep"] {
            for outcome in ["done", "failed"] {
                Counter(label: MetricName.jobsFinished, dimensions: [("kind", kind), ("outcome", outcome)], factory: factory)
                    .increment(by: 0)
            }
        }
    }

    /// The exposition, with the gauges that describe state (jobs per spool state, runs per status,
    /// the pause) read from the spool and the store first.
    func exposition(spool: Spool, store: ReviewStore) throws -> [UInt8] {
        for (state, count) in try spool.counts() {
            Gauge(label: MetricName.jobs, dimensions: [("state", state.rawValue)], factory: factory).record(count)
        }
        for (status, count) in try store.runCounts() {
            Gauge(label: MetricName.runs, dimensions: [("status", status.rawValue)], factory: factory).record(count)
        }
        let pausedUntil = spool.pausedUntil()?.timeIntervalSince1970 ?? 0
        Gauge(label: MetricName.pausedUntil, factory: factory).record(pausedUntil)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
