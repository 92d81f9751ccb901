import Testing

@testable import Runner

/// Runner output documents as ``JSONValue`` reads them.
@Suite struct JSONValueTests {
    @Test func readsEveryKindOfValue() throws {
        let value = try #require(JSONValue(parsing: #" {"a":1,"b":1.5,"c":[null,true,"x"],"d":{"e":-2}} "#))
        #expect(value == .object(["a": .int(1), "b": .double(1.5), "c": .array([.null, .bool(true), .string("x")]), "d": .object(["e": .int(-2)])]))
    }

    /// As Foundation's decoder read them: a whole number is an integer however it is written.
    @Test func aWholeNumberWithAFractionOrExponentIsAnInteger() {
        #expect(JSONValue(parsing: "1.0") == .int(1))
        #expect(JSONValue(parsing: "2e3") == .int(2000))
        #expect(JSONValue(parsing: "1e300") == .double(1e300))
        #expect(JSONValue(parsing: "12345678901234567890") == .double(12345678901234567890))
    }

    /// Output of other programs, read as Python's `json` and Foundation's decoder read it.
    @Test func aRepeatedNameKeepsItsLastValueAndDeepNestingIsRead() throws {
        #expect(JSONValue(parsing: #"{"a":1,"b":true,"a":2}"#) == .object(["a": .int(2), "b": .bool(true)]))
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(JSONValue(parsing: deep) != nil)
        #expect(JSONValue(parsing: String(repeating: "[", count: 600) + String(repeating: "]", count: 600)) == nil)
    }

    @Test(arguments: ["", "{", "[1,]", "nul", #"{"a":1} x"#, "'x'"])
    func whatIsNotOneJSONDocumentIsNil(_ text: String) {
        #expect(JSONValue(parsing: text) == nil)
    }
}
