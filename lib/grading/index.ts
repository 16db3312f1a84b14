/**
 * Barrel of lib/grading: what a student's notebook calls to check its answers (the check cells and
 * their comparison) and how values travel to and from a graded function. The grader itself is the
 * separate `mtl-grader` package.
 */
export * from "./check";
export * from "./compare";
export * from "./transport";
