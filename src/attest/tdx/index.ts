/** Intel TDX DCAP quote verification: parse → verify → validate (attestation.md §1). */
export * from './quote.js';
export * from './pck.js';
export * from './collateral.js';
export * from './verify.js';
export {buildTdxQuote, buildSgxExtension, signCollateralText, TD_QE_DEFAULTS, type BuildTdxQuoteInput, type SgxExtensionFields} from './build.js';
