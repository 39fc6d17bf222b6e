/**
 * Types of the `subscription-manager` contract's messages and answers, written by scripts/gen-contract-types.ts from
 * contracts/subscription-manager/schema/**.json. Do not edit by hand: change the schema and rerun the script.
 */

import type {
  Addr,
  ContractRef,
  EpochId,
  KeyHandle,
  Permit,
  Sha256Hex,
  Snip20ReceiveMsg,
  StatusAnswer,
  Uint128,
  UnixSeconds,
} from '../common/types.generated.js';

export type * from '../common/types.generated.js';

/** Instantiates the SubscriptionManager: payments (SNIP-20 `send`), plans and API keys. */
export interface InstantiateMsg {
  /** Admin; defaults to the instantiating account. */
  admin?: Addr | null;
  /** The SNIP-20 payment token; `receive` is accepted only from it. */
  payment_token: ContractRef;
  plans?: Array<Plan> | null;
  worker_manager?: ContractRef | null;
  rewards_manager?: ContractRef | null;
}

/** SubscriptionManager execute messages. */
export type ExecuteMsg =
  /** SNIP-20 `receive` callback; accepted only from the configured payment token contract. */
  | {
    receive: Snip20ReceiveMsg;
  }
  /** Subscriber: registers an API key. */
  | {
    create_api_key: {
      /** SHA-256 of the API key; the key itself never goes on chain. */
      key_hash: Sha256Hex;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Subscriber: revokes one of their API keys. */
  | {
    revoke_api_key: {
      key_hash: Sha256Hex;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only: adds or replaces a plan. */
  | {
    set_plan: {
      plan: Plan;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only: removes a plan (existing subscriptions run to their end). */
  | {
    remove_plan: {
      plan_id: PlanId;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** RewardsManager only: takes usage charges from pay-as-you-go balances and forwards them as revenue. */
  | {
    charge_usage: {
      charges: Array<UsageCharge>;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only: changes the given settings; absent fields stay as they are. */
  | {
    update_config: {
      admin?: Addr | null;
      payment_token?: ContractRef | null;
      worker_manager?: ContractRef | null;
      rewards_manager?: ContractRef | null;
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
  };

/** SubscriptionManager queries. */
export type QueryMsg =
  /** Public settings. */
  | {
    config: Record<string, never>;
  }
  /** Public: the plans on offer. */
  | {
    plans: Record<string, never>;
  }
  /** The permit signer's subscription: status, plan, expiry, balance, usage this epoch. */
  | {
    subscription: {
      /** Subscriber permit for this contract with the `balance` (or `owner`) permission. */
      permit: Permit;
    };
  }
  /** Public: whether an API key hash is accepted now, why not, and its opaque subscriber handle. */
  | {
    api_key_status: {
      key_hash: Sha256Hex;
    };
  }
  /** The permit signer's API keys (hashes only). */
  | {
    api_keys: {
      /** Subscriber permit for this contract with the `balance` (or `owner`) permission. */
      permit: Permit;
    };
  }
  /**
   * Every API key hash that would be accepted now (the secret-ai-caddy gateway cache query); admin permit
   * only.
   */
  | {
    api_keys_with_permit: {
      /** Permit of the admin for this contract (any permissions). */
      permit: Permit;
    };
  }
  /**
   * Public: subscription revenue received in a RewardsManager epoch (plan payments; deposits count when
   * charged).
   */
  | {
    revenue: {
      epoch: EpochId;
    };
  }
  /**
   * Public: whether `subscriber` is the account behind `key_handle` (the RewardsManager's check of a usage
   * countersignature). It names a candidate, so it reveals an owner only to someone who already knows them.
   */
  | {
    key_handle_matches: {
      key_handle: KeyHandle;
      subscriber: Addr;
    };
  };

/** The message a subscriber base64-encodes into SNIP-20 `send.msg` when paying this contract. */
export type ReceiveMsg =
  /** Buys (or extends by) one period of the plan; the amount must equal the plan price. */
  | {
    subscribe: {
      plan_id: PlanId;
    };
  }
  /** Adds the amount to the sender's pay-as-you-go balance. */
  | {
    deposit: Record<string, never>;
  };

/** The `data` answer of each execute message. */
export type ExecuteAnswer =
  | {
    receive: StatusAnswer;
  }
  | {
    create_api_key: StatusAnswer;
  }
  | {
    revoke_api_key: StatusAnswer;
  }
  | {
    set_plan: StatusAnswer;
  }
  | {
    remove_plan: StatusAnswer;
  }
  | {
    charge_usage: StatusAnswer;
  }
  | {
    update_config: StatusAnswer;
  }
  | {
    revoke_permit: StatusAnswer;
  };

/** Answer to `api_key_status`. */
export interface ApiKeyStatusResponse {
  active: boolean;
  /** Opaque handle of the subscription the key belongs to; only for an accepted key. */
  key_handle: KeyHandle | null;
  /**
   * Why the key is not accepted (null when active): `unknown` (no such key), `revoked`, `expired` (the plan
   * period ended and no prepaid balance), `no_balance` (never subscribed and no prepaid balance).
   */
  reason: ApiKeyRefusal | null;
}

/** Answer to `api_keys`. */
export interface ApiKeysResponse {
  api_keys: Array<ApiKeyInfo>;
}

/** Answer to `api_keys_with_permit` (secret-ai-caddy shape). */
export interface ApiKeysWithPermitResponse {
  api_keys: Array<{
    hashed_key: Sha256Hex;
  }>;
}

/** Answer to `config`. */
export interface ConfigResponse {
  admin: Addr;
  payment_token: ContractRef;
  worker_manager: ContractRef | null;
  rewards_manager: ContractRef | null;
}

/** Answer to `key_handle_matches`. */
export interface KeyHandleMatchesResponse {
  matches: boolean;
}

/** Answer to `plans`. */
export interface PlansResponse {
  plans: Array<Plan>;
}

/** Answer to `revenue`. */
export interface RevenueResponse {
  epoch: EpochId;
  /** Plan payments received in the epoch, payment-token base units. */
  amount: Uint128;
  /** Number of plan payments. */
  payments: number;
}

/** Answer to `subscription`. */
export interface SubscriptionResponse {
  subscriber: Addr;
  /** True while a plan period is running. */
  active: boolean;
  /**
   * `active` while a plan period runs, `expired` after one ended, `none` when the account never subscribed (a
   * prepaid balance may still be there).
   */
  status: "active" | "expired" | "none";
  plan_id: PlanId | null;
  /** End of the paid period (Unix seconds), or null. */
  expires_at: number | null;
  /** Pay-as-you-go balance in payment-token base units. */
  balance: Uint128;
  /** Tokens used in the current epoch, when known. */
  usage: 
    | {
      epoch: EpochId;
      input_tokens: number;
      output_tokens: number;
    }
    | null;
}

/** Answer type of each query, by query name. */
export interface QueryResponses {
  api_key_status: ApiKeyStatusResponse;
  api_keys: ApiKeysResponse;
  api_keys_with_permit: ApiKeysWithPermitResponse;
  config: ConfigResponse;
  key_handle_matches: KeyHandleMatchesResponse;
  plans: PlansResponse;
  revenue: RevenueResponse;
  subscription: SubscriptionResponse;
}

/** One of the caller's API keys (only its hash is stored). */
export interface ApiKeyInfo {
  key_hash: Sha256Hex;
  /**
   * True when the key would be accepted now (not revoked, and the subscription is running or a prepaid
   * balance is left).
   */
  active: boolean;
  revoked: boolean;
  created_at: UnixSeconds;
}

/** Why an API key is refused. */
export type ApiKeyRefusal = "unknown" | "revoked" | "expired" | "no_balance";

/** A subscription plan. */
export interface Plan {
  id: PlanId;
  /** Price per period in payment-token base units. */
  price: Uint128;
  /** Length of one paid period. */
  period_seconds: number;
  /** Weighted tokens included per period; unlimited when absent. */
  token_quota?: Uint128 | null;
}

/** Plan identifier chosen by the admin. */
export type PlanId = string;

/** An amount to take from a pay-as-you-go balance. */
export interface UsageCharge {
  key_handle: KeyHandle;
  amount: Uint128;
}
