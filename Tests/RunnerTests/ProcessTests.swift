import Foundation
import Glibc
import RevqConfig
import Runner
import TestSupport
import Testing

@Suite struct ProcessTests {
    @Test func aHangPastTheTimeoutStopsTheWholeGroupEvenATermIgnoringGrandchild() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let path = try sandbox.script(
            "codex",
            """
            sh -c 'trap "" TERM; echo grandchild ready; exec sleep 60' &
            sleep 60
            """)
        var invocation = sandbox.invocation("codex", RunnerProfile(kind: .codex, command: [path]))
        invocation.timeout = .seconds(1)
        invocation.grace = .milliseconds(300)

        let outcome = await Runner.run(invocation)

        #expect(outcome.termination == .timedOut(after: .seconds(1)))
        #expect(outcome.failureReason(profileName: "codex") == "codex timed out after 1s")
        #expect(outcome.stdout.contains("grandchild ready"))
        #expect(outcome.debugLog.contains("SIGKILL sent to process group"))
        let group = try #require(outcome.pid)
        #expect(await eventually { groupIsGone(group) })
        #expect(outcome.duration < .seconds(5))
    }

    @Test func processesLeftInTheGroupAfterANormalExitAreStopped() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let result = await RunnerProcess.run(sandbox.launch(["/bin/sh", "-c", "sleep 60 > /dev/null & echo done"]))
        #expect(result.termination == .exited(0))
        #expect(result.notes.contains { $0.hasPrefix("the runner exited but left processes in its group: SIGTERM sent") })
        #expect(groupIsGone(try #require(result.pid)))
    }

    @Test func cancellingTheTaskStopsTheGroup() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let (started, startedContinuation) = AsyncStream<Int32>.makeStream()
        let launch = sandbox.launch(["/bin/sh", "-c", "trap '' TERM; sleep 60 & sleep 60"], timeout: .seconds(30))
        let task = Task { await RunnerProcess.run(launch) { startedContinuation.yield($0) } }
        var iterator = started.makeAsyncIterator()
        let group = try #require(await iterator.next())
        task.cancel()

        let result = await task.value

        #expect(result.termination == .stopped)
        #expect(result.termination.failureReason(profileName: "codex") == "codex was stopped")
        #expect(result.notes.contains { $0.hasPrefix("stop requested: SIGTERM sent") })
        #expect(await eventually { groupIsGone(group) })
        // Well before the 30 s timeout and the 60 s sleeps: stopped by the cancel, not waited out
        // (7 s was seen on a loaded machine, so the bound is not tight).
        #expect(result.duration < .seconds(20))
    }

    @Test func aTaskCancelledBeforehandStartsNothing() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let launch = sandbox.launch(["/bin/sh", "-c", "touch started"])
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await RunnerProcess.run(launch)
        }
        let result = await task.value
        #expect(result.termination == .stopped)
        #expect(result.pid == nil)
        #expect(!FileManager.default.fileExists(atPath: sandbox.kbRoot + "/started"))
    }

    @Test func aFloodOfOutputIsCappedWithoutBlockingTheChild() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let cap = 1 << 20
        let launch = sandbox.launch(
            ["/bin/sh", "-c", "head -c 52428800 /dev/zero; head -c 3000000 /dev/zero >&2; echo finished >&2"], timeout: .seconds(30),
            cap: cap)

        let result = await RunnerProcess.run(launch)

        #expect(result.termination == .exited(0))
        #expect(result.stdout.keptBytes == cap)
        #expect(result.stdout.discardedBytes == 52_428_800 - cap)
        #expect(result.stdout.truncated)
        #expect(result.stderr.keptBytes == cap)
        let size = try FileManager.default.attributesOfItem(atPath: result.stdout.path)[.size] as? Int
        #expect(size == cap)
    }

    @Test func garbageBytesOnStdoutAreHarmless() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let path = try sandbox.script("claude", #"printf '\377\376\000\300garbage\n{"type": \n\351t\351\n'"#)
        let claude = await Runner.run(sandbox.invocation("claude", RunnerProfile(kind: .claudeCode, command: [path])))
        #expect(claude.termination == .exited(0))
        #expect(claude.stdout.contains("garbage"))
        #expect(claude.telemetryJSON == nil)
        #expect(claude.telemetryNote == "no stream-json events on stdout; 3 non-JSON line(s) skipped")

        let codex = await Runner.run(sandbox.invocation("codex", RunnerProfile(kind: .codex, command: [path])))
        #expect(codex.termination == .exited(0))
        #expect(codex.bundleText.contains("\u{FFFD}"))
        #expect(codex.telemetryJSON == nil)
    }

    @Test func theChildGetsAScrubbedEnvironmentTheKBRootAndThePromptOnStdin() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let path = try sandbox.script("codex", "pwd; cat; echo; env")
        let invocation = sandbox.invocation(
            "codex", RunnerProfile(kind: .codex, command: [path]), environment: [RunnerEnvironment.jobMarker: "job-42"])

        let outcome = await Runner.run(invocation)

        #expect(outcome.termination == .exited(0))
        let lines = Set(outcome.stdout.split(separator: "\n").map(String.init))
        #expect(outcome.stdout.hasPrefix(sandbox.kbRoot + "\n"))
        #expect(lines.contains("Review kb/notes/a.md."))
        #expect(lines.contains("REVQ_JOB_ID=job-42"))
        #expect(lines.contains("HOME=\(sandbox.home)"))
        #expect(lines.contains("LANG=C.UTF-8"))
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "REVQ_CONFIG", "SECRET_TOKEN", "REVQ_PROMPT_FILE"] {
            #expect(!outcome.stdout.contains(name + "="), "\(name) leaked into the runner")
        }
        let scrubbed = RunnerEnvironment.scrubbed(from: ["NOTIFY_SOCKET": "x", "USER": "u"], adding: ["A": "1"])
        #expect(scrubbed == ["USER": "u", "A": "1", "PATH": RunnerEnvironment.defaultPath])
    }

    @Test func theChildRunsInItsOwnSession() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let launch = sandbox.launch(["/bin/sh", "-c", "cut -d ' ' -f 5,6 /proc/$$/stat"])
        var pid: Int32 = 0
        let result = await RunnerProcess.run(launch) { pid = $0 }
        let output = try String(contentsOfFile: result.stdout.path, encoding: .utf8)
        #expect(output == "\(pid) \(pid)\n")
        #expect(result.pid == pid)
        #expect(getpgrp() != pid)
    }

    @Test func leftoverMarkedProcessesAreFoundAndTheirGroupsKilled() async throws {
        let sandbox = try RunnerSandbox()
        defer { sandbox.remove() }
        let jobId = "job-" + UUID().uuidString
        // The escapee writes its pid once it leads a session of its own; the runner waits for that.
        let path = try sandbox.script(
            "codex",
            """
            setsid sh -c 'echo $$ > escaped.tmp; mv escaped.tmp escaped; exec sleep 600' > /dev/null 2>&1 < /dev/null &
            while [ ! -e escaped ]; do sleep 0.01; done
            """)
        let invocation = sandbox.invocation(
            "codex", RunnerProfile(kind: .codex, command: [path]), environment: [RunnerEnvironment.jobMarker: jobId])

        // The runner exits at once, leaving a process in a session of its own, as a crash would.
        let outcome = await Runner.run(invocation)
        #expect(outcome.termination == .exited(0))
        var groups: [Int32] = []
        #expect(
            await eventually {
                groups = leftoverProcessGroups(markedWith: jobId); return !groups.isEmpty
            })
        #expect(groups.count == 1)
        #expect(groups.first != outcome.pid)
        #expect(leftoverProcessGroups(markedWith: jobId + "-other").isEmpty)
        // Whole entries only: the marker of an id that is a prefix of this one matches nothing.
        #expect(leftoverProcessGroups(markedWith: String(jobId.dropLast())).isEmpty)

        #expect(await killProcessGroups(groups).isEmpty)
        #expect(groups.allSatisfy(groupIsGone))
        #expect(leftoverProcessGroups(markedWith: jobId).isEmpty)
    }
}
