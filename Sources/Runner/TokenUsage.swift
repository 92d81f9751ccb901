/// Token counts of one model, in one meaning whatever runner reported them.
public struct TokenCounts: Sendable, Equatable {
    /// Every input token, cached ones included.
    public var input: Int64 = 0
    /// The part of ``input`` read from a prompt cache.
    public var cachedInput: Int64 = 0
    /// Every output token, reasoning included.
    public var output: Int64 = 0
    /// The part of ``output`` spent on reasoning.
    public var reasoning: Int64 = 0

    public init(input: Int64 = 0, cachedInput: Int64 = 0, output: Int64 = 0, reasoning: Int64 = 0) {
        self.input = input
        self.cachedInput = cachedInput
        self.output = output
        self.reasoning = reasoning
    }

    /// The usage keys either runner writes.
    public static let usageKeys = [
        "input_tokens", "cached_input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens",
        "reasoning_output_tokens",
    ]

    /// Input and output: what a provider bills.
    public var total: Int64 { input.saturatingAdd(output) }

    public var isZero: Bool { self == TokenCounts() }

    /// Adds field by field, saturating: absurd counts must not trap a worker.
    public static func + (lhs: TokenCounts, rhs: TokenCounts) -> TokenCounts {
        TokenCounts(
            input: lhs.input.saturatingAdd(rhs.input), cachedInput: lhs.cachedInput.saturatingAdd(rhs.cachedInput),
            output: lhs.output.saturatingAdd(rhs.output), reasoning: lhs.reasoning.saturatingAdd(rhs.reasoning))
    }

    /// Reads one usage object of either runner's shape. Codex counts cached input inside
    /// `input_tokens` and names it `cached_input_tokens`; claude counts `cache_creation_input_tokens`
    /// and `cache_read_input_tokens` beside `input_tokens`. A key one shape lacks counts 0, so one
    /// reading serves both (and a `command` runner that writes either shape). Negative counts read as 0.
    init(usage: JSONValue) {
        self.init(count: { usage[$0]?.int ?? 0 })
    }

    /// Reads the counts ``usageKeys`` name from `count` (0 for a key not there), as ``init(usage:)``
    /// reads them from JSON.
    public init(count raw: (String) -> Int64) {
        func count(_ key: String) -> Int64 { max(0, raw(key)) }
        let cacheRead = count("cache_read_input_tokens")
        input = count("input_tokens").saturatingAdd(count("cache_creation_input_tokens")).saturatingAdd(cacheRead)
        cachedInput = count("cached_input_tokens").saturatingAdd(cacheRead)
        output = count("output_tokens")
        reasoning = count("reasoning_output_tokens")
    }
}

/// The tokens a run's telemetry reports, per model. Pure JSON text in, values out.
public enum TelemetryTokens {
    /// Token counts per model, in first-seen order. Claude-code telemetry is read per request,
    /// so a run that used two models (a sub-agent on a smaller one) is priced per model; other
    /// telemetry is read from its `totals`. A request or telemetry without a model gets the
    /// telemetry's `model`, else nil. Empty when the text is not JSON or holds no counts.
    public static func usage(telemetryJSON: String) -> [(model: String?, counts: TokenCounts)] {
        guard let telemetry = JSONValue(parsing: telemetryJSON), telemetry.isObject else { return [] }
        let model = telemetry["model"]?.string
        var entries: [(model: String?, counts: TokenCounts)] = []
        if let requests = telemetry["requests"]?.array, !requests.isEmpty {
            for request in requests where request.isObject {
                let requestModel = request["model"]?.string ?? model
                let counts = TokenCounts(usage: request)
                if let index = entries.firstIndex(where: { $0.model == requestModel }) {
                    entries[index].counts = entries[index].counts + counts
                } else {
                    entries.append((requestModel, counts))
                }
            }
        } else if let totals = telemetry["totals"], totals.isObject {
            entries.append((model, TokenCounts(usage: totals)))
        }
        return entries.filter { !$0.counts.isZero }
    }
}

extension Int64 {
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other < 0 ? .min : .max) : sum
    }
}
