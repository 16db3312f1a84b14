/** Barrel of lib/models: each module re-exported here. */
export {};
