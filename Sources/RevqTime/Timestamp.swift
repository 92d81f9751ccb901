public import Foundation
import Glibc

/// The timestamps of the review store, job files and sidecars: ISO-8601 in local time with its
/// offset, whole seconds (`2026-04-04T09:00:10+02:00`).
public enum Timestamp {
    /// Formats `date` in the local time zone.
    public static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var local = tm()
        localtime_r(&seconds, &local)
        let offset = Int(local.tm_gmtoff)
        let sign = offset < 0 ? "-" : "+"
        return two(Int(local.tm_year) + 1900, width: 4) + "-" + two(Int(local.tm_mon) + 1) + "-"
            + two(Int(local.tm_mday)) + "T" + two(Int(local.tm_hour)) + ":" + two(Int(local.tm_min)) + ":"
            + two(Int(local.tm_sec)) + sign + two(abs(offset) / 3600) + ":" + two(abs(offset) % 3600 / 60)
    }

    /// `date` without its fraction of a second: what survives a round trip through a file.
    public static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; the fraction is dropped. Nil for anything else.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Digits.parse(bytes, range) }
        guard let year = number(0..<4), let month = number(5..<7), (1...12).contains(month),
            let day = number(8..<10), (1...31).contains(day), let hour = number(11..<13), hour < 24,
            let minute = number(14..<16), minute < 60, let second = number(17..<19), second < 61
        else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
            guard index > start, index < bytes.count else { return nil }
        }
        var offset = 0
        if bytes[index] == UInt8(ascii: "Z") {
            guard index + 1 == bytes.count else { return nil }
        } else {
            guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
                index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6)
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        return utc(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            .addingTimeInterval(Double(-offset))
    }

    /// The moment a UTC calendar date and time name.
    public static func utc(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: Double(timegm(&parts)))
    }

    private static func two(_ value: Int, width: Int = 2) -> String { Digits.padded(value, width: width) }
}
