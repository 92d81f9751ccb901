/// A small deterministic generator (SplitMix64): the same seed gives the same cases, so a
/// failure found with one seed can be replayed with it.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// True with probability `1 / n`.
    mutating func oneIn(_ n: Int) -> Bool { int(1...n) == 1 }

    /// One element of a non-empty collection.
    mutating func pick<C: Collection>(_ items: C) -> C.Element { items.randomElement(using: &self)! }

    /// Characters that parsers tend to care about: separators, markdown marks, look-alikes.
    static let awkwardCharacters: [String] = [
        "\n", "\r", "\r\n", "\t", " ", "\0", "=", ":", "-", "#", "*", "`", "\"", "\\", "{", "}", "[", "]", ",",
        "\u{85}", "\u{2028}", "\u{FEFF}", "\u{301}", "é", "İ", "ß", "\u{1F600}", "\u{FFFD}", "—", "ＡＢ", "\u{200D}",
    ]

    /// A short word of letters, digits and punctuation.
    mutating func word(maxLength: Int = 12) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./")
        return String((0..<int(1...maxLength)).map { _ in pick(alphabet) })
    }

    /// Free text of words, awkward characters and `fragments`, up to `pieces` pieces.
    mutating func text(fragments: [String] = [], pieces: Int = 40) -> String {
        var out = ""
        for _ in 0..<int(0...pieces) {
            switch int(0...9) {
            case 0...3: out += word()
            case 4...5: out += " "
            case 6: out += "\n"
            case 7: out += pick(Self.awkwardCharacters)
            default: out += fragments.isEmpty ? word() : pick(fragments)
            }
        }
        return out
    }
}
