import Spool
import Testing

@Suite struct JobFileTests {
    @Test func encodingRoundTripsThroughStrictDecoding() throws {
        var job = reviewJob(key: "k/1")
        job.timeoutSeconds = 1800
        let bytes = JobFile.encode(job)
        let decoded = try JobFile.decode(bytes, origin: .spoolFile(fileName: job.id.fileName), rules: testRules)
        #expect(decoded == job)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"version":1,"id":""#))
    }

    @Test func sweepJobsRoundTrip() throws {
        for selection in [Job.SweepSelection.notes(["kb/notes/a.md"]), .stale(currentOnly: true)] {
            let job = Job(
                work: .sweep(gate: "prose/source-residue", selection: selection, batchSize: 5), runner: "claude",
                model: "m")
            let decoded = try JobFile.decode(
                JobFile.encode(job), origin: .spoolFile(fileName: job.id.fileName), rules: testRules)
            #expect(decoded == job)
        }
    }

    @Test func submissionsGetAnIdAndMayNotSetSpoolFields() throws {
        let line = #"{"version":1,"kind":"review","note":"kb/notes/a.md","gates":["prose"],"runner":"codex","model":"m"}"#
        let job = try JobFile.decode(Array(line.utf8), origin: .submission(submittedBy: "me@host"), rules: testRules)
        #expect(job.submittedBy == "me@host")
        #expect(job.maxAttempts == 3)
        let managed = #"{"version":1,"kind":"review","note":"kb/notes/a.md","gates":["prose"],"runner":"codex","model":"m","attempts":1}"#
        #expect(throws: JobDefect("field \"attempts\" is set by the spool, not by a producer")) {
            try JobFile.decode(Array(managed.utf8), origin: .submission(submittedBy: nil), rules: testRules)
        }
    }
}
