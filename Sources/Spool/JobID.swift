public import Foundation
import Glibc
import RevqTime
import Synchronization

/// A job's id: file-name safe, unique, and for generated ids time-ordered, so that the
/// lexicographic order of names is the submission order, also across processes.
///
/// A generated id is `<UTC time to the microsecond>-<pid>-<random>-p<priority>`, the first
/// three parts fixed width: `20261122T101500.123456Z-0004242-9f3a1c-p0` (`-p-3` for priority
/// −3). Within one process the time part strictly increases; the pid and 24 random bits keep
/// ids from different processes apart. The priority in the name (``encodedPriority``) lets a
/// worker order `new/` from one directory listing, without opening a file; a sweep's batches,
/// `<sweep id>-b<k>`, inherit it with the sweep's priority. Other ids (generated before the
/// suffix existed, or chosen by a producer) only need to be file-name safe: 1–128 characters
/// of `[A-Za-z0-9._-]`, not starting with `.` or `-`; their priority is read from the file.
public struct JobID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts a file-name safe id; nil otherwise.
    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The job file's name, `<id>.json`.
    public var fileName: String { rawValue + ".json" }

    /// The id of a job file name (`<id>.json`), nil for any other name.
    public init?(fileName: String) {
        guard fileName.hasSuffix(".json") else { return nil }
        self.init(String(fileName.dropLast(5)))
    }

    /// A new id for a job of `priority` submitted now.
    public static func generate(priority: Int) -> JobID {
        JobID(uniqueStamp() + "-p" + String(priority))!
    }

    /// The priority a generated id carries: the integer after `-p` right after the generated
    /// prefix, followed by the end of the id or by `-` (a batch's `-b<k>`); nil for other ids.
    public var encodedPriority: Int? {
        let bytes = Array(rawValue.utf8)
        let start = Self.stampLength + 2
        guard bytes.count > start, bytes[start - 2] == UInt8(ascii: "-"), bytes[start - 1] == UInt8(ascii: "p"),
            generatedAt != nil
        else { return nil }
        // The first byte may be a minus sign.
        let end = bytes[(start + 1)...].firstIndex(of: UInt8(ascii: "-")) ?? bytes.count
        return Int(String(decoding: bytes[start..<end], as: UTF8.self))
    }

    /// `<UTC time to the microsecond>-<pid>-<random>`, all fixed width (``stampLength``), unique
    /// and increasing within this process: the start of a generated id, and a unique suffix
    /// for a quarantined file's name.
    static func uniqueStamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let micros = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec / 1000)
        let stamp = lastStamp.withLock { last in
            last = max(last + 1, micros)
            return last
        }
        var seconds = time_t(stamp / 1_000_000)
        var utc = tm()
        gmtime_r(&seconds, &utc)
        let random = UInt32.random(in: 0..<(1 << 24))
        return Digits.padded(Int(utc.tm_year) + 1900, width: 4) + Digits.padded(Int(utc.tm_mon) + 1, width: 2)
            + Digits.padded(Int(utc.tm_mday), width: 2) + "T"
            + Digits.padded(Int(utc.tm_hour), width: 2) + Digits.padded(Int(utc.tm_min), width: 2)
            + Digits.padded(Int(utc.tm_sec), width: 2) + "."
            + Digits.padded(Int(stamp % 1_000_000), width: 6) + "Z-" + Digits.padded(Int(getpid()), width: 7) + "-"
            + Digits.padded(Int(random), width: 6, radix: 16)
    }

    /// The length of ``uniqueStamp()``.
    static let stampLength = 38

    /// The submission time of a generated id (to the microsecond); nil for other ids.
    public var generatedAt: Date? {
        let bytes = Array(rawValue.utf8)
        guard bytes.count >= 23, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "."),
            bytes[22] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Digits.parse(bytes, range) }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            let micros = number(16..<22)
        else { return nil }
        return Timestamp.utc(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            .addingTimeInterval(Double(micros) / 1_000_000)
    }

    static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= 128, first != UInt8(ascii: "."), first != UInt8(ascii: "-")
        else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// The time part of the last id this process generated, in microseconds since 1970.
    private static let lastStamp = Mutex<UInt64>(0)
}
