import Foundation
import RevqTime
import Spool
import Testing

@Suite struct JobIDTests {
    @Test func generatedIdsAreUniqueOrderedAndFileNameSafe() {
        let ids = (0..<2000).map { _ in JobID.generate() }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { JobID($0.rawValue) == $0 && !$0.rawValue.contains("/") })
    }

    @Test func generatedIdCarriesItsSubmissionTime() throws {
        let before = Date().addingTimeInterval(-1)
        let time = try #require(JobID.generate().generatedAt)
        #expect(time > before && time < Date().addingTimeInterval(1))
    }

    @Test(arguments: ["", ".hidden", "-x", "a/b", "a b", String(repeating: "x", count: 129)])
    func unsafeNamesAreNotIds(_ text: String) {
        #expect(JobID(text) == nil)
    }

    @Test func timestampsRoundTripInLocalTimeWithOffset() throws {
        let text = Timestamp.format(Date(timeIntervalSince1970: 1_775_286_010))
        #expect(text.count == 25)
        #expect(Timestamp.parse(text) == Date(timeIntervalSince1970: 1_775_286_010))
        #expect(Timestamp.parse("2026-04-04T09:00:10+02:00") == Date(timeIntervalSince1970: 1_775_286_010))
        #expect(Timestamp.parse("2026-04-04T07:00:10.5Z") == Date(timeIntervalSince1970: 1_775_286_010))
        #expect(Timestamp.parse("2026-04-04 nonsense") == nil)
    }
}
