/**
 * Where a course's files are. The grader never finds them from its own folder: the course folder
 * is given (--course) or is the nearest folder, from the working directory up, that holds a
 * `homework/` folder (the instructor's repository and the student bundle both do). Paths a user
 * types are read from where they typed them: npm runs scripts from the package's folder, but keeps
 * the original folder in INIT_CWD.
 */
import * as fs from "fs";
import * as path from "path";

/** A path the user typed, made absolute from the folder they typed it in. */
export function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** The course folder: `given` when set, else the nearest folder from the working directory up with a `homework/` folder. */
export function courseDir(given?: string): string {
  if (given) {
    const dir = userPath(given);
    if (!fs.existsSync(path.join(dir, "homework"))) throw new Error(`--course ${given}: ${dir} has no homework/ folder, so it is not a course folder`);
    return dir;
  }
  for (let dir = process.env.INIT_CWD ?? process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "homework")) && fs.statSync(path.join(dir, "homework")).isDirectory()) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error("no course folder found (a folder with homework/ in it) from here up: run this inside the course, or pass --course DIR");
}
