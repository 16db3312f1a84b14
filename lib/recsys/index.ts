/** Barrel of lib/recsys: each module re-exported here. */
export {};
