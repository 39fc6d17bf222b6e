/** NVIDIA Hopper GPU evidence: SPDM 1.1 parsing (§3.1) and offline verification (§3.3 steps 1–7). */
export * from './spdm.js';
export * from './verify.js';
