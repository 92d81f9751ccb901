public import Foundation

/// Store timestamps: ISO-8601 local time with offset, whole seconds
/// (`2026-04-04T09:00:10+02:00`).
public enum Timestamp {
    public static func string(for date: Date = Date()) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        let offset = parts.tm_gmtoff
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let date = "\(Int(parts.tm_year) + 1900)-\(two(Int(parts.tm_mon) + 1))-\(two(Int(parts.tm_mday)))"
        let time = "\(two(Int(parts.tm_hour))):\(two(Int(parts.tm_min))):\(two(Int(parts.tm_sec)))"
        return "\(date)T\(time)\(sign)\(two(minutes / 60)):\(two(minutes % 60))"
    }
}
