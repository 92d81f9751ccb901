public import Foundation
import Glibc

/// Days in local time, as `revq usage` and `revq status` count them.
public enum LocalDay {
    /// The start of a calendar day in the local time zone; nil for a date that does not exist.
    public static func midnight(year: Int, month: Int, day: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), let year = Int32(exactly: year - 1900) else { return nil }
        var fields = tm()
        (fields.tm_year, fields.tm_mon, fields.tm_mday, fields.tm_isdst) = (year, Int32(month - 1), Int32(day), -1)
        let date = Date(timeIntervalSince1970: TimeInterval(mktime(&fields)))
        // mktime rolls 31 February over into March; such a date is refused.
        return fields.tm_mday == Int32(day) ? date : nil
    }

    /// The start of the local day `date` falls on.
    public static func start(of date: Date) -> Date {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var local = tm()
        localtime_r(&seconds, &local)
        return midnight(year: Int(local.tm_year) + 1900, month: Int(local.tm_mon) + 1, day: Int(local.tm_mday)) ?? date
    }
}
