/** Barrel of lib/objectives: each module re-exported here. */
export {};
