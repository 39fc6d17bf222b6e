/**
 * Error texts of the SNIP-20 token, as in `contracts/snip20/contract.ts` (`SNIP20_ERRORS`): the reference
 * implementation 2.0 (scrtlabs snip20-reference-impl) and secret-toolkit wording.
 */

export const ERR_SEND_TO_CONTRACT = "Tokens cannot be sent to token contract.";
export const ERR_NOT_ADMIN = "This is an admin command. Admin commands can only be run from admin address";
export const ERR_DEPOSIT_DISABLED = "Deposit functionality is not enabled.";
export const ERR_NO_DEPOSIT_FUNDS = "No funds were sent to be deposited";
export const ERR_REDEEM_DISABLED = "Redeem functionality is not enabled for this token.";
export const ERR_REDEEM_NO_DENOM = "Tried to redeem without specifying denom, but multiple coins are supported";
export const ERR_REDEEM_BAD_DENOM = "Tried to redeem for an unsupported coin";
export const ERR_REDEEM_SUPPLY = "You are trying to redeem more tokens than what is available in the total supply";
export const ERR_MINT_DISABLED = "Mint functionality is not enabled for this token.";
export const ERR_NOT_MINTER = "Minting is allowed to minter accounts only";
export const ERR_MINT_OVERFLOW = "This mint attempt would increase the total supply above the supported maximum";
export const ERR_BURN_DISABLED = "Burn functionality is not enabled for this token.";
export const ERR_BURN_SUPPLY = "You're trying to burn more than is available in the total supply";
export const ERR_INITIAL_OVERFLOW = "The sum of all initial balances exceeds the maximum possible total supply";
export const ERR_INVALID_PAGE_SIZE = "invalid page size";
export const ERR_TRANSFER_HISTORY_UNSUPPORTED = "`transfer_history` query is UNSUPPORTED. Use `transaction_history` instead.";
export const ERR_VIEWING_KEY = "Wrong viewing key for this address or viewing key not set";
