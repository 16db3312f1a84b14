/** Barrel of lib/diagnostics: each module re-exported here. */
export {};
