/** Barrel of lib/plots: each module re-exported here. */
export {};
