/**
 * The grader's command line, one verb per module (in otter-grader's style):
 *
 *   mtl-grader make-homework | validate | grade | release | gradescope | autograde
 *
 * Every verb validates its arguments before doing any work and has --help. Usage errors exit 2;
 * a failed run exits 1.
 */
import { Command, CommanderError } from "commander";
import { autogradeCommand } from "./commands/autograde";
import { gradeCommand } from "./commands/grade";
import { gradescopeCommand } from "./commands/gradescope";
import { makeHomeworkCommand } from "./commands/make-homework";
import { releaseCommand } from "./commands/release";
import { validateCommand } from "./commands/validate";

/** The program with every verb. */
export function program(): Command {
  const p = new Command("mtl-grader")
    .description(
      "Grader of the multi-task learning course: homework from solutions, pre-submit validation, isolated grading, student bundle, Gradescope autograder",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const verb of [makeHomeworkCommand(), validateCommand(), gradeCommand(), releaseCommand(), gradescopeCommand(), autogradeCommand()]) {
    p.addCommand(verb.exitOverride().showHelpAfterError("(run with --help for usage)"));
  }
  return p;
}

/** Runs the command line `argv` (as process.argv) and sets the exit code. */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Asked-for help and version are not errors; everything else commander reports (help shown for a missing command included) is a usage error.
      const asked = e.code === "commander.helpDisplayed" || e.code === "commander.version" || (e.code === "commander.help" && argv[2] === "help");
      process.exitCode = asked ? 0 : 2;
      return;
    }
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = process.exitCode || 1;
  }
}

if (require.main === module) void main();
