/** Dev attestation for the devnet (design.md §5): dev chain of trust, SPDM builder, evidence minting. */
export * from './marker.js';
export * from './roots.js';
export * from './spdm-build.js';
export * from './mint.js';
export * from './measurements.js';
