/**
 * The Zero to JupyterHub files cannot be built or deployed here (no image builder, no cluster);
 * what can be checked is that they agree with the one-machine hub: the chart values parse and start
 * servers with the course's start script, and the image sets every variable that script reads.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { findPython } from "../../scripts/jupyter";

const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, "jupyterhub", "kubernetes");
const INSTALL = "/opt/mtl-course";

test("the chart values parse and start each server with the course's start script from the image", () => {
  const python = findPython(["yaml"]);
  assert.ok(python, "no Python with PyYAML: apt-get install python3-yaml (.ci/run installs it)");
  const text = execFileSync(python!, ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", path.join(DIR, "config.yaml")], {
    encoding: "utf8",
  });
  const values = JSON.parse(text) as { singleuser: { cmd: string[]; storage: { type: string } } };
  const script = values.singleuser.cmd.find((a) => a.startsWith(INSTALL));
  assert.ok(script, `the servers start with a script from ${INSTALL}`);
  assert.ok(fs.existsSync(path.join(ROOT, path.relative(INSTALL, script!))), `${script} is the course's own ${path.relative(INSTALL, script!)}`);
  assert.equal(values.singleuser.storage.type, "dynamic", "each student keeps a volume of their own");
});

test("the image sets every variable the start script reads, and installs the course where the values say", () => {
  const dockerfile = fs.readFileSync(path.join(DIR, "Dockerfile"), "utf8");
  const script = fs.readFileSync(path.join(ROOT, "jupyterhub", "start-student.sh"), "utf8");
  const read = new Set([...script.matchAll(/\$\{?(MTL_[A-Z_]+)/g)].map((m) => m[1]));
  assert.ok(read.size >= 2, `start-student.sh reads the course's variables: ${[...read]}`);
  for (const name of read) assert.match(dockerfile, new RegExp(`^\\s*(ENV )?${name}=`, "m"), `the image sets ${name}`);
  assert.match(dockerfile, new RegExp(`MTL_COURSE_DIR=${INSTALL}\\b`));
  assert.match(dockerfile, new RegExp(`COPY \\. ${INSTALL}\\b`));
  assert.match(dockerfile, /scripts\/hub\.ts --register-only/, "the kernel is registered for every user at build time");
});
