/**
 * The contract-client layer (design.md §2): every query and tx of every command goes through here.
 * Importing this module does not load secretjs; it is loaded on the first chain operation.
 */
export * from './address.js';
export * from './amounts.js';
export * from './client.js';
export * from './contract.js';
export * from './errors.js';
export * from './gas.js';
export * from './permit.js';
export * from './contracts/index.js';
export * from './context.js';
