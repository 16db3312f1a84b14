#!/usr/bin/env node
// The grader's command. It runs the built package (dist/, from `npm run build -w mtl-grader`) when
// there is one, else the TypeScript sources through tsx; both behave the same (see README).
const fs = require("fs");
const path = require("path");

const built = path.join(__dirname, "..", "dist", "src", "cli.js");
if (fs.existsSync(built)) {
  require(built).main(process.argv);
} else {
  require("tsx/cjs");
  require(path.join(__dirname, "..", "src", "cli.ts")).main(process.argv);
}
