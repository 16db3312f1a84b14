/**
 * Items 2 (IPC garbage), 7 and 8 of the hostile-student review, each attack in a student's answer
 * cell, graded as one class with two jobs beside an honest classmate. Node's permission model is
 * left out here (MTL_GRADER_NODE_PERMISSION=0), so what holds is the OS layers alone: the checked
 * message channel, the memory limit of the whole process, the scratch tmpfs and the process limit.
 * Limits are far from what an honest submission needs, so no verdict depends on machine speed.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { attack, gradeClass, honest, MAX, solutionWithAttack, type ClassRun } from "./fixtures/attacks-isolation/class";

let run: ClassRun;

before(() => {
  run = gradeClass(
    {
      honest: honest(),
      "ipc-garbage": solutionWithAttack(attack("ipc-garbage")),
      "big-buffer": solutionWithAttack(attack("big-buffer")),
      "disk-filler": solutionWithAttack(attack("disk-filler")),
      "fork-bomb": solutionWithAttack(attack("fork-bomb")),
      "ppid-killer": solutionWithAttack(attack("ppid-killer")),
    },
    { MTL_GRADER_NODE_PERMISSION: "0" },
  );
});

/** The line of the sandbox report that names `layer`, or null when the layer is missing here. */
function layer(pattern: RegExp): boolean {
  return pattern.test(run.log.split("\n").find((l) => l.startsWith("sandbox:")) ?? "");
}

test("the batch finishes and the honest classmate keeps full score", () => {
  assert.equal(run.status, 0, `the batch did not finish:\n${run.log}`);
  assert.equal(Object.keys(run.results).length, 6, "every submission has a results.json");
  assert.equal(run.results["honest"].score, MAX, run.results["honest"].output);
});

test("64 bytes of garbage written to the message channel cost only that submission, with a reason", () => {
  assert.equal(run.status, 0, run.log);
  const r = run.results["ipc-garbage"];
  assert.match(r.output, /into the grader's message channel/);
  assert.ok(r.score < MAX && r.score >= MAX - 1, `${r.score}: only question 1a is lost\n${r.output}`);
});

test("a 2 GB Buffer fails at the memory limit of the whole process, with a reason", (t) => {
  if (!layer(/limits: memory of the whole process/)) return t.skip("no memory limit on this machine");
  const r = run.results["big-buffer"];
  assert.match(r.output, /hit the memory limit \(\d+ MB for the whole process\)/);
  assert.doesNotMatch(r.output, /allocated 2147483648 bytes/);
});

test("a disk filler stops at the scratch limit, with a reason", (t) => {
  if (!layer(/scratch: a size-limited tmpfs/)) return t.skip("no scratch size limit on this machine");
  const r = run.results["disk-filler"];
  assert.match(r.output, /filled its scratch folder \(the limit is \d+ MB\)/);
  assert.doesNotMatch(r.output, /disk filler wrote 400 MB/);
});

test("a fork bomb stops at the process limit, with a reason", (t) => {
  if (!layer(/processes \(RLIMIT_NPROC\)/)) return t.skip("no process limit on this machine");
  const r = run.results["fork-bomb"];
  assert.match(r.output, /hit the limit of \d+ processes and threads/);
  assert.doesNotMatch(r.output, /fork bomb: 1000 started/);
});

test("process.kill(process.ppid) in an answer does not stop the grader", () => {
  assert.equal(run.status, 0, run.log);
  assert.ok("ppid-killer" in run.results);
  assert.ok(run.results["ppid-killer"].score >= MAX - 1, run.results["ppid-killer"].output);
});
