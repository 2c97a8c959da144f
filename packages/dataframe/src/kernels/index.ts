/** Kernel ops loaded by workers as `@tsdask/dataframe/kernels#<name>`. */
export * from './ops.js';
