/** AMD SEV-SNP: report parsing (§2.1), VCEK extensions and ARK pins (§2.2), verification (§2.3). */
export * from './report.js';
export * from './vcek.js';
export * from './verify.js';
