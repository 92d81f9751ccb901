/// Random damage to a valid input, the way a model, a truncated write or a bad disk would
/// do it: byte flips, line deletion, duplication and swaps, injected lines, CRLF, very long
/// lines, NUL and invalid UTF-8.
enum Mutations {
    /// Byte sequences that are not valid UTF-8 (stray continuation, overlong, surrogate, truncated).
    static let invalidUTF8: [[UInt8]] = [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]]

    /// `input` after one to eight random mutations; `lines` are candidates for injected lines.
    static func mutate(_ input: [UInt8], injecting lines: [String], using rng: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<rng.int(1...8) {
            bytes = mutateOnce(bytes, injecting: lines, using: &rng)
        }
        return bytes
    }

    /// A mutated copy of a text, decoded leniently (invalid bytes become U+FFFD) as runner output is.
    static func mutate(_ text: String, injecting lines: [String], using rng: inout SeededRandom) -> String {
        String(decoding: mutate(Array(text.utf8), injecting: lines, using: &rng), as: UTF8.self)
    }

    private static func mutateOnce(_ input: [UInt8], injecting lines: [String], using rng: inout SeededRandom) -> [UInt8] {
        var bytes = input
        let position = rng.int(0...bytes.count)
        switch rng.int(0...12) {
        case 0 where !bytes.isEmpty:
            bytes[min(position, bytes.count - 1)] ^= UInt8(1 << rng.int(0...7))
        case 1:
            bytes.insert(contentsOf: Array(rng.pick(SeededRandom.awkwardCharacters).utf8), at: position)
        case 2:
            bytes.removeSubrange(position..<min(bytes.count, position + rng.int(1...16)))
        case 3:
            bytes.insert(contentsOf: rng.pick(invalidUTF8), at: position)
        case 4:
            bytes.insert(0, at: position)
        case 5:
            bytes = bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        case 6:
            bytes = Array(bytes.prefix(position))
        case 7:
            let filler = rng.pick(["x", "=", " ", "é", "=== "])
            let count = rng.oneIn(10) ? rng.int(20_000...100_000) : rng.int(100...2_000)
            bytes.insert(contentsOf: Array(String(repeating: filler, count: count).utf8), at: position)
        default:
            bytes = mutateLines(bytes, injecting: lines, using: &rng)
        }
        return bytes
    }

    private static func mutateLines(_ input: [UInt8], injecting extra: [String], using rng: inout SeededRandom) -> [UInt8] {
        var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let index = rng.int(0...max(0, lines.count - 1))
        switch rng.int(0...4) {
        case 0 where lines.count > 1:
            lines.remove(at: index)
        case 1 where !lines.isEmpty:
            lines.insert(lines[index], at: index)
        case 2 where lines.count > 1:
            lines.swapAt(index, rng.int(0...lines.count - 1))
        case 3 where !lines.isEmpty:
            let padding = Array(rng.pick(["  ", "\t", " \r", ""]).utf8)
            lines[index] = padding + lines[index] + padding
        default:
            let line = extra.isEmpty ? rng.text(pieces: 8) : rng.pick(extra)
            lines.insert(Array(line.utf8), at: min(index, lines.count))
        }
        return Array(lines.joined(separator: [0x0A]))
    }
}
