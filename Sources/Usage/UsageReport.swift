public import Foundation
public import ReviewStore
public import RevqConfig
import RevqTime
public import Runner

/// What `revq usage` groups runs by.
public enum UsageGrouping: String, Sendable, CaseIterable {
    /// The model the telemetry names (the API model), else the run's partition.
    case model
    /// Each requested gate of a run.
    case gate
    case note
    /// The local date the run started on, as the store records it.
    case day
    case runner
}

/// Tokens, runs and cost of one group of runs.
public struct UsageRow: Sendable, Equatable {
    public var key: String
    /// Runs whose telemetry reports token counts.
    public var runs = 0
    /// Runs with no telemetry, or telemetry without token counts: counted apart, never guessed.
    public var runsWithoutTelemetry = 0
    public var tokens = TokenCounts()
    /// Dollars for the tokens of priced models; nil when no prices are configured.
    public var cost: Double?
    /// Tokens of models without a configured price (not in ``cost``).
    public var unpricedTokens: Int64 = 0

    public init(key: String) { self.key = key }
}

/// Token usage summed from the runs' telemetry (SPEC §6 `revq usage`).
///
/// One runner call is counted once: the runs of a sweep batch share its telemetry (they share
/// the job attempt), so the payload is charged once and, where the runs fall into several groups
/// (`note`, `gate`), split evenly among them, the remainder to the first. A run's tokens are
/// split the same way among its gates for `gate`. So the groups always add up to ``total``;
/// run counts are per group (a run counts in each of its gates' groups).
public struct UsageReport: Sendable, Equatable {
    public var grouping: UsageGrouping
    public var rows: [UsageRow]
    public var total: UsageRow
    /// Models that used tokens and have no price, when prices are configured.
    public var unpricedModels: [String]

    public init(runs: [UsageRun], by grouping: UsageGrouping, prices: [String: ModelPrice]) {
        self.grouping = grouping
        var builder = Builder(grouping: grouping, prices: prices)
        var calls: [String: [UsageRun]] = [:]
        var callOrder: [String] = []
        for run in runs {
            let call = run.job.map { "job \($0.jobId) attempt \($0.attempt)" } ?? "run \(run.id)"
            if calls[call] == nil { callOrder.append(call) }
            calls[call, default: []].append(run)
        }
        for call in callOrder { builder.add(call: calls[call]!) }
        rows = builder.rows.values.sorted { lhs, rhs in
            grouping == .day ? lhs.key < rhs.key : (lhs.tokens.total, rhs.key) > (rhs.tokens.total, lhs.key)
        }
        total = builder.total
        unpricedModels = prices.isEmpty ? [] : builder.unpricedModels.sorted()
    }

    /// Sums one runner call (a run, or the runs of one batch attempt) into the groups.
    private struct Builder {
        let grouping: UsageGrouping
        let prices: [String: ModelPrice]
        var rows: [String: UsageRow] = [:]
        var total = UsageRow(key: "total")
        var unpricedModels: Set<String> = []

        init(grouping: UsageGrouping, prices: [String: ModelPrice]) {
            self.grouping = grouping
            self.prices = prices
            if !prices.isEmpty { total.cost = 0 }
        }

        mutating func add(call runs: [UsageRun]) {
            let usage = runs.lazy.compactMap(Self.tokens).first ?? []
            let hasTokens = !usage.isEmpty
            for run in runs {
                for key in keys(run, usage: usage) {
                    update(key) { hasTokens ? ($0.runs += 1) : ($0.runsWithoutTelemetry += 1) }
                }
                hasTokens ? (total.runs += 1) : (total.runsWithoutTelemetry += 1)
            }
            for entry in usage {
                let model = entry.model ?? runs[0].modelId
                let targets = grouping == .model ? [model] : runs.flatMap { keys($0, usage: usage) }
                for (key, share) in zip(targets, Self.split(entry.counts, into: targets.count)) {
                    let cost = price(share, model: model)
                    update(key) { row in Self.add(share, cost: cost, to: &row) }
                    Self.add(share, cost: cost, to: &total)
                }
            }
        }

        /// The tokens of a run's telemetry per model (as ``TelemetryTokens`` reads them); nil without telemetry.
        static func tokens(_ run: UsageRun) -> [(model: String?, counts: TokenCounts)]? {
            if let json = run.telemetryJSON { return TelemetryTokens.usage(telemetryJSON: json) }
            guard run.hasTelemetry else { return nil }
            let counts = TokenCounts(count: { run.telemetryTotals[$0] ?? 0 })
            return counts.isZero ? [] : [(run.telemetryModel, counts)]
        }

        /// The groups a run belongs to.
        func keys(_ run: UsageRun, usage: [(model: String?, counts: TokenCounts)]) -> [String] {
            switch grouping {
            case .model: [usage.first?.model ?? run.modelId]
            case .gate: run.gateIds.isEmpty ? ["(no gate)"] : run.gateIds
            case .note: [run.notePath]
            case .day: [String(run.startedAt.prefix(10))]
            case .runner: [run.runner]
            }
        }

        mutating func update(_ key: String, _ change: (inout UsageRow) -> Void) {
            var row = rows[key] ?? UsageRow(key: key)
            if !prices.isEmpty, row.cost == nil { row.cost = 0 }
            change(&row)
            rows[key] = row
        }

        /// Dollars for `counts` of `model`; nil (and the model noted) when it has no price.
        mutating func price(_ counts: TokenCounts, model: String) -> Double? {
            guard !prices.isEmpty else { return nil }
            guard let price = prices[model] else {
                unpricedModels.insert(model)
                return nil
            }
            let uncached = Double(counts.input - counts.cachedInput) * price.inputPerMTok
            let cached = Double(counts.cachedInput) * (price.cachedInputPerMTok ?? price.inputPerMTok)
            return (uncached + cached + Double(counts.output) * price.outputPerMTok) / 1_000_000
        }

        static func add(_ counts: TokenCounts, cost: Double?, to row: inout UsageRow) {
            row.tokens = row.tokens + counts
            if let cost {
                row.cost = (row.cost ?? 0) + cost
            } else if row.cost != nil {
                row.unpricedTokens += counts.total
            }
        }

        /// `counts` in `parts` shares that add up to it exactly: each field divided evenly, the
        /// remainder one token at a time to the first shares.
        static func split(_ counts: TokenCounts, into parts: Int) -> [TokenCounts] {
            guard parts > 1 else { return [counts] }
            func shares(_ value: Int64) -> [Int64] {
                let (base, remainder) = value.quotientAndRemainder(dividingBy: Int64(parts))
                return (0..<parts).map { base + (Int64($0) < remainder ? 1 : 0) }
            }
            let (input, cached, output, reasoning) = (
                shares(counts.input), shares(counts.cachedInput), shares(counts.output), shares(counts.reasoning)
            )
            return (0..<parts).map {
                TokenCounts(input: input[$0], cachedInput: cached[$0], output: output[$0], reasoning: reasoning[$0])
            }
        }
    }
}

extension UsageReport {
    /// Runs started in `[since, until)` from `store`, grouped.
    public static func load(
        store: ReviewStore, since: Date?, until: Date?, by grouping: UsageGrouping, prices: [String: ModelPrice]
    ) throws -> UsageReport {
        var runs = try store.usageRuns(since: since, totalsKeys: TokenCounts.usageKeys)
        if let until { runs = runs.filter { (Timestamp.parse($0.startedAt) ?? .distantPast) < until } }
        return UsageReport(runs: runs, by: grouping, prices: prices)
    }
}
