/// Fixed-width number text, shared by ids and timestamps.
public enum Digits {
    /// `value` in `radix`, left-padded with zeros to `width` characters.
    public static func padded(_ value: Int, width: Int, radix: Int = 10) -> String {
        let digits = String(value, radix: radix)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The decimal number spelled by `bytes[range]`; nil when the range is out of bounds or not all digits.
    public static func parse(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard range.upperBound <= bytes.count, !range.isEmpty else { return nil }
        var value = 0
        for byte in bytes[range] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
