import Foundation
import RevqTime
import Spool
import Testing

@Suite struct JobIDTests {
    @Test func generatedIdsAreUniqueOrderedAndFileNameSafe() {
        // Whatever their priorities, ids sort in submission order.
        let ids = (0..<2000).map { JobID.generate(priority: $0 % 3 - 1) }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { JobID($0.rawValue) == $0 && !$0.rawValue.contains("/") })
    }

    @Test func generatedIdCarriesItsSubmissionTime() throws {
        let before = Date().addingTimeInterval(-1)
        let time = try #require(JobID.generate(priority: 0).generatedAt)
        #expect(time > before && time < Date().addingTimeInterval(1))
    }

    @Test(arguments: [0, 9, -3, Int.max, Int.min])
    func generatedIdCarriesItsPriorityAndSoDoItsBatches(_ priority: Int) throws {
        let id = JobID.generate(priority: priority)
        #expect(id.rawValue.hasSuffix("-p\(priority)"))
        #expect(id.encodedPriority == priority)
        #expect(try #require(JobID(id.rawValue + "-b12")).encodedPriority == priority)
    }

    @Test(arguments: [
        "20261122T101500.123456Z-0004242-9f3a1c", "pickup-000001", "20261122T101500.123456Z-0004242-9f3a1c-b2",
        "20261122T101500.123456Z-0004242-9f3a1c-p", "20261122T101500.123456Z-0004242-9f3a1c-p-",
        "20261122T101500.123456Z-0004242-9f3a1c-p5x", "20261122T101500.123456Z-0004242-9f3a1c-p99999999999999999999",
        "x0261122T101500.123456Z-0004242-9f3a1c-p5", "20261122T101500.123456Z-0004242-9f3a1-p5",
    ])
    func idsWithoutTheSuffixCarryNoPriority(_ text: String) throws {
        #expect(try #require(JobID(text)).encodedPriority == nil)
    }

    @Test func aJobWithoutAnIdGetsOneCarryingItsPriority() throws {
        let job = Job(work: .review(note: "kb/notes/a.md", gates: ["prose"]), runner: "codex", model: "m", priority: -2)
        #expect(job.id.encodedPriority == -2)
        let line = #"{"version":1,"kind":"review","note":"kb/notes/a.md","gates":["prose"],"runner":"codex","model":"m","priority":4}"#
        let submitted = try JobFile.decode(Array(line.utf8), origin: .submission(submittedBy: nil), rules: testRules)
        #expect(submitted.id.encodedPriority == 4)
        let plain = #"{"version":1,"kind":"review","note":"kb/notes/a.md","gates":["prose"],"runner":"codex","model":"m"}"#
        #expect(try JobFile.decode(Array(plain.utf8), origin: .submission(submittedBy: nil), rules: testRules).id.encodedPriority == 0)
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
