/** Barrel of lib/tasks: each module re-exported here. */
export {};
