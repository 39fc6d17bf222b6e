/**
 * Types of the `snip20` contract's messages and answers, written by scripts/gen-contract-types.ts from
 * contracts/snip20/schema/**.json. Do not edit by hand: change the schema and rerun the script.
 */

import type {
  Addr,
  Binary,
  CodeHash,
  Permit,
  StatusAnswer,
  Uint128,
  UnixSeconds,
} from '../common/types.generated.js';

export type * from '../common/types.generated.js';

/** Instantiates a SNIP-20 token (subset of the reference implementation 2.0). */
export interface InstantiateMsg {
  /** Token name, 3–30 characters. */
  name: string;
  /** Admin (changes minters and the admin); defaults to the instantiating account. */
  admin?: Addr | null;
  /** Ticker, 3–20 letters, digits or `-`, starting with a letter. */
  symbol: string;
  /** Decimal places of the display unit; amounts are always base units. */
  decimals: number;
  initial_balances?: Array<InitialBalance> | null;
  /** Seed mixed into created viewing keys. */
  prng_seed: Binary;
  config?: InitConfig | null;
  /** Native denominations accepted by `deposit` / paid by `redeem` (default `["uscrt"]`, 1:1). */
  supported_denoms?: Array<string> | null;
  /** Accounts allowed to `mint` when minting is enabled (default: the admin). */
  minters?: Array<Addr> | null;
}

/** SNIP-20 execute messages (subset of the reference implementation 2.0). */
export type ExecuteMsg =
  /** Moves `amount` from the sender to `recipient`. Answer: `{"transfer":{"status":"success"}}`. */
  | {
    transfer: {
      recipient: Addr;
      amount: Uint128;
      /** Free text stored in the transaction history of both parties. */
      memo?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Transfer plus a `receive` callback to a contract recipient. Answer: `{"send":{"status":"success"}}`. */
  | {
    send: {
      recipient: Addr;
      /** If given (or if the recipient registered one), the recipient gets a `receive` callback. */
      recipient_code_hash?: CodeHash | null;
      amount: Uint128;
      /** Passed to the recipient in `receive.msg` (base64 JSON). */
      msg?: Binary | null;
      /** Free text stored in the transaction history of both parties. */
      memo?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Called by a contract: registers its code hash so every `send` to it triggers `receive`. */
  | {
    register_receive: {
      code_hash: CodeHash;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /**
   * Derives and stores a new viewing key for the sender. Answer:
   * `{"create_viewing_key":{"key":"api_key_…"}}`.
   */
  | {
    create_viewing_key: {
      entropy?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Stores the given viewing key for the sender (only its SHA-256 is kept). */
  | {
    set_viewing_key: {
      key: string;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** SNIP-24: disables every permit of the sender with this name. */
  | {
    revoke_permit: {
      permit_name: string;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Wraps the native coins sent with the message 1:1 into tokens (when enabled). */
  | {
    deposit: {
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Burns `amount` tokens and returns as much native coin (when enabled). */
  | {
    redeem: {
      amount: Uint128;
      denom?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Creates tokens (minters only, when enabled). */
  | {
    mint: {
      recipient: Addr;
      amount: Uint128;
      /** Free text stored in the transaction history of both parties. */
      memo?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Destroys the sender's tokens (when enabled). */
  | {
    burn: {
      amount: Uint128;
      /** Free text stored in the transaction history of both parties. */
      memo?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Lets `spender` move more of the sender's tokens. */
  | {
    increase_allowance: {
      spender: Addr;
      amount: Uint128;
      expiration?: UnixSeconds | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Lowers an allowance (not below zero). */
  | {
    decrease_allowance: {
      spender: Addr;
      amount: Uint128;
      expiration?: UnixSeconds | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Transfer from `owner` using the sender's allowance. */
  | {
    transfer_from: {
      owner: Addr;
      recipient: Addr;
      amount: Uint128;
      /** Free text stored in the transaction history of both parties. */
      memo?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Send from `owner` using the sender's allowance. */
  | {
    send_from: {
      owner: Addr;
      recipient: Addr;
      recipient_code_hash?: CodeHash | null;
      amount: Uint128;
      msg?: Binary | null;
      /** Free text stored in the transaction history of both parties. */
      memo?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only. */
  | {
    add_minters: {
      minters: Array<Addr>;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only. */
  | {
    remove_minters: {
      minters: Array<Addr>;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only. */
  | {
    set_minters: {
      minters: Array<Addr>;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only. */
  | {
    change_admin: {
      address: Addr;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  };

/** SNIP-20 queries (subset of the reference implementation 2.0). */
export type QueryMsg =
  /** Public: name, symbol, decimals, total supply (null unless public). */
  | {
    token_info: Record<string, never>;
  }
  /** Public: enabled features. */
  | {
    token_config: Record<string, never>;
  }
  /** Public: native coin per token for deposit/redeem tokens. */
  | {
    exchange_rate: Record<string, never>;
  }
  /** Public: accounts allowed to mint. */
  | {
    minters: Record<string, never>;
  }
  /** Balance, authenticated by the address's viewing key. */
  | {
    balance: {
      address: Addr;
      key: string;
    };
  }
  /** History, newest first, authenticated by viewing key. */
  | {
    transaction_history: {
      address: Addr;
      key: string;
      page?: number | null;
      page_size: number;
      should_filter_decoys?: boolean | null;
    };
  }
  /** Not supported (as in the reference implementation 2.0): use `transaction_history`. */
  | {
    transfer_history: {
      address: Addr;
      key: string;
      page?: number | null;
      page_size: number;
      should_filter_decoys?: boolean | null;
    };
  }
  /** Allowance, authenticated by the owner's or the spender's viewing key. */
  | {
    allowance: {
      owner: Addr;
      spender: Addr;
      key: string;
    };
  }
  /** A query authenticated by a SNIP-24 permit instead of a viewing key. */
  | {
    with_permit: {
      permit: Permit;
      query: QueryWithPermit;
    };
  };

/** The `data` answer of each execute message. */
export type ExecuteAnswer =
  | {
    transfer: StatusAnswer;
  }
  | {
    send: StatusAnswer;
  }
  | {
    register_receive: StatusAnswer;
  }
  | {
    set_viewing_key: StatusAnswer;
  }
  | {
    revoke_permit: StatusAnswer;
  }
  | {
    deposit: StatusAnswer;
  }
  | {
    redeem: StatusAnswer;
  }
  | {
    mint: StatusAnswer;
  }
  | {
    burn: StatusAnswer;
  }
  | {
    transfer_from: StatusAnswer;
  }
  | {
    send_from: StatusAnswer;
  }
  | {
    add_minters: StatusAnswer;
  }
  | {
    remove_minters: StatusAnswer;
  }
  | {
    set_minters: StatusAnswer;
  }
  | {
    change_admin: StatusAnswer;
  }
  | {
    create_viewing_key: {
      /** The new viewing key, `api_key_<base64>`. */
      key: string;
    };
  }
  | {
    increase_allowance: {
      spender: Addr;
      owner: Addr;
      allowance: Uint128;
    };
  }
  | {
    decrease_allowance: {
      spender: Addr;
      owner: Addr;
      allowance: Uint128;
    };
  };

/** Answer to `allowance`. */
export type AllowanceResponse = AllowanceAnswer | ViewingKeyError;

/** Answer to `balance`: the amount, or a viewing-key error answer. */
export type BalanceResponse = BalanceAnswer | ViewingKeyError;

/**
 * Answer to `exchange_rate`: 10^(decimals−6) SCRT per token for decimals ≥ 6; rate 0 when deposit and redeem
 * are off.
 */
export interface ExchangeRateResponse {
  exchange_rate: {
    rate: Uint128;
    denom: string;
  };
}

/** Answer to `minters`. */
export interface MintersResponse {
  minters: {
    minters: Array<Addr>;
  };
}

/** Answer to `token_config`. */
export interface TokenConfigResponse {
  token_config: {
    public_total_supply: boolean;
    deposit_enabled: boolean;
    redeem_enabled: boolean;
    mint_enabled: boolean;
    burn_enabled: boolean;
    supported_denoms: Array<string>;
  };
}

/** Answer to `token_info`. */
export interface TokenInfoResponse {
  token_info: {
    name: string;
    symbol: string;
    decimals: number;
    /** Null unless the token publishes its supply. */
    total_supply: Uint128 | null;
  };
}

/** Answer to `transaction_history`. */
export type TransactionHistoryResponse = TransactionHistoryAnswer | ViewingKeyError;

/** Answer to `with_permit`: the answer of the inner query. */
export type WithPermitResponse = BalanceAnswer | TransactionHistoryAnswer | AllowanceAnswer;

/** Answer type of each query, by query name. */
export interface QueryResponses {
  allowance: AllowanceResponse;
  balance: BalanceResponse;
  exchange_rate: ExchangeRateResponse;
  minters: MintersResponse;
  token_config: TokenConfigResponse;
  token_info: TokenInfoResponse;
  transaction_history: TransactionHistoryResponse;
  with_permit: WithPermitResponse;
}

export interface AllowanceAnswer {
  allowance: {
    spender: Addr;
    owner: Addr;
    allowance: Uint128;
    /** Unix seconds after which the allowance is void, or null. */
    expiration?: number | null;
  };
}

export interface BalanceAnswer {
  balance: {
    amount: Uint128;
  };
}

/** An amount of one denomination. */
export interface Coin {
  denom: string;
  amount: Uint128;
}

/** Optional features; all default to off. */
export interface InitConfig {
  /** Publish `total_supply` in `token_info` (default false). */
  public_total_supply?: boolean | null;
  /** Allow `deposit` of native coins (default false). */
  enable_deposit?: boolean | null;
  /** Allow `redeem` to native coins (default false). */
  enable_redeem?: boolean | null;
  /** Allow minters to `mint` (default false). */
  enable_mint?: boolean | null;
  /** Allow holders to `burn` (default false). */
  enable_burn?: boolean | null;
}

/** A balance credited at instantiation. */
export interface InitialBalance {
  address: Addr;
  amount: Uint128;
}

/** Queries that a permit authenticates. */
export type QueryWithPermit =
  /** Needs the `balance` permission. */
  | {
    balance: Record<string, never>;
  }
  /** Needs the `history` permission. */
  | {
    transaction_history: {
      page?: number | null;
      page_size: number;
      should_filter_decoys?: boolean | null;
    };
  }
  /** Not supported (as in the reference implementation 2.0): use `transaction_history`. */
  | {
    transfer_history: {
      page?: number | null;
      page_size: number;
      should_filter_decoys?: boolean | null;
    };
  }
  /** Needs the `allowance` permission; the signer must be the owner or the spender. */
  | {
    allowance: {
      owner: Addr;
      spender: Addr;
    };
  };

export interface TransactionHistoryAnswer {
  transaction_history: {
    txs: Array<Tx>;
    total?: number | null;
  };
}

/** One transaction history entry. */
export interface Tx {
  id: number;
  action: TxAction;
  coins: Coin;
  memo?: string;
  block_time: UnixSeconds;
  block_height: number;
}

/** What a history entry did. */
export type TxAction =
  | {
    transfer: {
      from: Addr;
      sender: Addr;
      recipient: Addr;
    };
  }
  | {
    mint: {
      minter: Addr;
      recipient: Addr;
    };
  }
  | {
    burn: {
      burner: Addr;
      owner: Addr;
    };
  }
  | {
    deposit: Record<string, never>;
  }
  | {
    redeem: Record<string, never>;
  };

/** Answer (not an error) when the viewing key is wrong or not set. */
export interface ViewingKeyError {
  viewing_key_error: {
    msg: string;
  };
}
