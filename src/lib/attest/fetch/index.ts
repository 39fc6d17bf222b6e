/** Online collateral: Intel PCS/PCCS and AMD KDS clients, rate-limit handling and a cache-first source. */
export * from './http.js';
export * from './throttle.js';
export * from './storage.js';
export * from './json-extract.js';
export * from './intel.js';
export * from './amd.js';
export * from './collateral.js';
export * from './nvidia-ocsp.js';
export * from './nvidia-rim.js';
