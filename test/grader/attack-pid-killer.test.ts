/**
 * Item 1 of the hostile-student review: one submission whose answer cell scans for processes and
 * SIGKILLs every one it may (again every 50 ms while it lives), graded in a class of 20 with two
 * jobs. Each submission has a PID namespace (or at least a uid) of its own, so every honest
 * classmate graded beside the killer keeps their full score and the batch finishes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { attack, gradeClass, honest, MAX, solutionWithAttack } from "./fixtures/attacks-isolation/class";

test("a class of 20 with one PID-scan killer: every honest classmate gets full score", (t) => {
  const submissions: Record<string, ReturnType<typeof honest>> = {};
  // The killer sits in the middle of the alphabet, so classmates are graded before, beside and after it.
  for (let i = 1; i <= 20; i++) submissions[`student-${String(i).padStart(2, "0")}`] = i === 8 ? solutionWithAttack(attack("pid-scan-killer")) : honest();
  const run = gradeClass(submissions);
  if (!/signals: a PID namespace of its own|user: a uid of its own/.test(run.log)) {
    // Without either layer the killer could signal the test runner itself: it is not run.
    t.skip(`this machine offers neither a PID namespace nor a uid per submission: ${run.log.split("\n")[0]}`);
    return;
  }
  assert.equal(run.status, 0, `the batch did not finish:\n${run.log}`);
  assert.equal(Object.keys(run.results).length, 20, "every submission has a results.json");
  const zeroed = Object.entries(run.results).filter(([name, r]) => name !== "student-08" && r.score !== MAX);
  assert.deepEqual(
    zeroed.map(([name, r]) => `${name}: ${r.score} (${r.output.slice(0, 300)})`),
    [],
  );
  assert.ok(run.results["student-08"].score <= MAX);
});
