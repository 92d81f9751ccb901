import ArgumentParser
import Foundation
import JSONText
import ReviewStore
import RevqConfig
import RevqTime
import Runner
import Spool
import Usage

/// `revq usage`: tokens, run counts and (with prices configured) cost per group, from the runs' telemetry.
struct UsageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage", abstract: "Tokens and cost from the runs' telemetry, per model, gate, note, day or runner.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Runs started at or after D: YYYY-MM-DD (local midnight), an ISO-8601 time, or an age such as 7d or 12h.")
    var since: String?
    @Option(help: "Runs started before D (same forms as --since).") var until: String?
    @Option(
        help: "Group by model, gate, note, day or runner.",
        transform: { raw in
            guard let grouping = UsageGrouping(rawValue: raw) else { throw ValidationError("unknown grouping: \(raw)") }
            return grouping
        })
    var by: UsageGrouping = .model
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let settings = try global.settings()
        let (sinceDate, untilDate) = (try since.map(UsageTime.parse), try until.map(UsageTime.parse))
        let prices = settings.config.prices
        let report =
            try global.existingStore(settings).map {
                try UsageReport.load(store: $0, since: sinceDate, until: untilDate, by: by, prices: prices)
            } ?? UsageReport(runs: [], by: by, prices: prices)
        if json {
            let document = JSONValue.object([
                ("by", .string(by.rawValue)),
                ("since", sinceDate.map { .string(Timestamp.format($0)) } ?? .null),
                ("until", untilDate.map { .string(Timestamp.format($0)) } ?? .null),
                ("groups", .array(report.rows.map(\.jsonValue))),
                ("total", report.total.jsonValue),
                ("unpriced_models", .array(report.unpricedModels.map(JSONValue.string))),
            ])
            return Output.json(document)
        }
        let priced = !prices.isEmpty
        var header = [by.rawValue.uppercased(), "RUNS", "NO TELEMETRY", "INPUT", "CACHED", "OUTPUT", "REASONING", "TOTAL"]
        if priced { header.append("COST") }
        Output.table(header, (report.rows + [report.total]).map { $0.cells(priced: priced) })
        if !report.unpricedModels.isEmpty {
            let models = report.unpricedModels.map { Output.visible($0) }.joined(separator: ", ")
            print("no price configured for: \(models) (their tokens are not in COST)")
        }
    }
}

extension UsageRow {
    /// The stable JSON of one group: every field present, `cost_usd` null without prices.
    var jsonValue: JSONValue {
        .object([
            ("key", .string(key)), ("runs", .integer(runs)), ("runs_without_telemetry", .integer(runsWithoutTelemetry)),
            ("input_tokens", .integer(Int(tokens.input))), ("cached_input_tokens", .integer(Int(tokens.cachedInput))),
            ("output_tokens", .integer(Int(tokens.output))), ("reasoning_tokens", .integer(Int(tokens.reasoning))),
            ("total_tokens", .integer(Int(tokens.total))), ("cost_usd", cost.map(JSONValue.number) ?? .null),
            ("unpriced_tokens", .integer(Int(unpricedTokens))),
        ])
    }

    func cells(priced: Bool) -> [String] {
        var cells = [key, String(runs), String(runsWithoutTelemetry)]
        cells += [tokens.input, tokens.cachedInput, tokens.output, tokens.reasoning, tokens.total].map { String($0) }
        if priced { cells.append(cost.map(Self.dollars) ?? "-") }
        return cells
    }

    /// `$12.34`, or four decimals under a dollar so that a small sum does not read as zero.
    static func dollars(_ amount: Double) -> String {
        String(format: amount < 1 ? "$%.4f" : "$%.2f", amount)
    }
}

/// The times `--since` and `--until` take.
enum UsageTime {
    static func parse(_ text: String) throws -> Date {
        if let date = Timestamp.parse(text) { return date }
        if let midnight = localMidnight(text) { return midnight }
        guard let age = try? DurationText.seconds(text) else {
            throw CLIFailure.input("not a time: \(text) (use YYYY-MM-DD, ISO-8601 with an offset, or an age such as 7d)")
        }
        return Date().addingTimeInterval(-age)
    }

    /// `YYYY-MM-DD` as the start of that day in local time.
    static func localMidnight(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        return LocalDay.midnight(year: year, month: month, day: day)
    }
}
