import Testing

@testable import ReviewFormat

@Suite struct ModelPartitionTests {
    @Test(
        arguments: [
            ("gpt-5.4", "xhigh", "gpt-5-4-xhigh"), ("claude-sonnet-4-6", nil, "claude-sonnet-4-6"),
            ("gpt-5.4", "high", "gpt-5-4-high"), ("gpt-5.4", "minimal", "gpt-5-4"),
            ("  GPT 5.4 (preview) ", "Medium", "gpt-5-4-preview-medium"),
            ("o3_mini--x", nil, "o3_mini--x"), ("model/é/ü", "low", "model-low"),
        ] as [(String, String?, String)])
    func actualPartitionFromModelAndEffort(model: String, effort: String?, expected: String) {
        #expect(ModelPartition.actual(model: model, effort: effort) == expected)
    }

    @Test func nothingLeftIsNoPartition() {
        #expect(ModelPartition.actual(model: "...", effort: "high") == nil)
    }

    @Test func telemetryGivesThePartition() {
        #expect(
            ModelPartition.actual(telemetryJSON: #"{"provider":"codex","model":"gpt-5.4","reasoning_effort":"xhigh"}"#) == "gpt-5-4-xhigh")
        #expect(
            ModelPartition.actual(telemetryJSON: #"{"model":"claude-sonnet-4-6","models":["claude-sonnet-4-6"]}"#) == "claude-sonnet-4-6")
    }

    @Test func telemetryNamingTwoModelsGivesNone() {
        #expect(ModelPartition.actual(telemetryJSON: #"{"model":null,"models":["claude-sonnet-4-6","claude-haiku-4-5"]}"#) == nil)
        #expect(ModelPartition.actual(telemetryJSON: "not json") == nil)
        #expect(ModelPartition.actual(telemetryJSON: "{}") == nil)
    }

    /// As a typed decoder read it: a field of the wrong type is no model, not a model.
    @Test func telemetryWithFieldsOfTheWrongTypeGivesNone() {
        #expect(ModelPartition.actual(telemetryJSON: #"{"model":5}"#) == nil)
        #expect(ModelPartition.actual(telemetryJSON: #"{"model":"gpt-5.4","reasoning_effort":["high"]}"#) == nil)
        #expect(ModelPartition.actual(telemetryJSON: #"{"models":["gpt-5.4",7]}"#) == nil)
        #expect(ModelPartition.actual(telemetryJSON: #"["gpt-5.4"]"#) == nil)
        #expect(ModelPartition.actual(telemetryJSON: #"{"model":"gpt-5.4","reasoning_effort":null}"#) == "gpt-5-4")
    }

    /// A command runner's telemetry file is passed on as the program wrote it, so it is read by
    /// the rules for other programs' output: a repeated name keeps its last value, and nesting
    /// deeper than a job file may have does not hide the model.
    @Test func telemetryIsReadAsOtherProgramsWriteIt() {
        #expect(ModelPartition.actual(telemetryJSON: #"{"model":"gpt-5.3","model":"gpt-5.4"}"#) == "gpt-5-4")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(ModelPartition.actual(telemetryJSON: #"{"model":"gpt-5.4","trace":\#(deep)}"#) == "gpt-5-4")
    }

    @Test func requestedIsTrimmedOnly() {
        #expect(ModelPartition.requested("  GPT-5.4 High \n") == "GPT-5.4 High")
    }
}
