/** Barrel of lib/training: each module re-exported here. */
export {};
