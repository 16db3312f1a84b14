/** Barrel of lib/optim: optimizers tuned for the kit's small models. */
export * from "./adam";
