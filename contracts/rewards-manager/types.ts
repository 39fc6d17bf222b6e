/**
 * Types of the `rewards-manager` contract's messages and answers, written by scripts/gen-contract-types.ts from
 * contracts/rewards-manager/schema/**.json. Do not edit by hand: change the schema and rerun the script.
 */

import type {
  Addr,
  Binary,
  ContractRef,
  EpochId,
  Permit,
  Snip20ReceiveMsg,
  StatusAnswer,
  Uint128,
  UnixSeconds,
  UsageRecord,
  WorkerId,
} from '../common/types.generated.js';

export type * from '../common/types.generated.js';

/** Instantiates the RewardsManager: usage reports, epochs and payouts. */
export interface InstantiateMsg {
  /** Admin; defaults to the instantiating account. */
  admin?: Addr | null;
  /** The SNIP-20 payment token rewards are paid in. */
  payment_token: ContractRef;
  /** Length of a reward epoch. */
  epoch_seconds: number;
  /** Share of each epoch's revenue kept as protocol fee, in basis points. */
  protocol_fee_bps: number;
  /** Receives the protocol fee (default: the admin). */
  fee_recipient?: Addr | null;
  /**
   * Per worker and epoch, the most weight counted from records without a subscriber countersignature (default
   * 0).
   */
  unconfirmed_weight_cap?: Uint128 | null;
  /** Share of the protocol fee paid out by uptime from liveness reports, in basis points (default 0). */
  uptime_reward_bps?: number | null;
  worker_manager?: ContractRef | null;
  subscription_manager?: ContractRef | null;
}

/** RewardsManager execute messages. */
export type ExecuteMsg =
  /**
   * Worker operators submit signed usage records; each counts with weight input_tokens + 4 × output_tokens.
   */
  | {
    report_work: {
      records: Array<SignedUsageRecord>;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Anyone, once the epoch has ended: fixes its revenue minus the protocol fee as a per-weight rate. */
  | {
    close_epoch: {
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Pays settled rewards to the workers' payout addresses in the payment token. */
  | {
    claim_rewards: {
      /** Only this worker; default: all of the caller's workers. */
      worker_id?: WorkerId | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** SNIP-20 `receive` callback; accepted only from the configured payment token contract. */
  | {
    receive: Snip20ReceiveMsg;
  }
  /** Admin only: changes the given settings; a new epoch length applies from the next epoch. */
  | {
    update_config: {
      admin?: Addr | null;
      payment_token?: ContractRef | null;
      epoch_seconds?: number | null;
      protocol_fee_bps?: number | null;
      fee_recipient?: Addr | null;
      unconfirmed_weight_cap?: Uint128 | null;
      uptime_reward_bps?: number | null;
      worker_manager?: ContractRef | null;
      subscription_manager?: ContractRef | null;
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

/** RewardsManager queries. */
export type QueryMsg =
  /** Public settings. */
  | {
    config: Record<string, never>;
  }
  /** The current (open) epoch. */
  | {
    epoch: Record<string, never>;
  }
  /** A past or current epoch's totals. */
  | {
    epoch_info: {
      epoch: EpochId;
    };
  }
  /** Pending and claimed rewards of the workers paying out to the permit signer. */
  | {
    rewards: {
      /** Permit of a payout address with the `balance` (or `owner`) permission. */
      permit: Permit;
    };
  };

/** The message base64-encoded into SNIP-20 `send.msg` when paying revenue into this contract. */
export type ReceiveMsg =
  /** Adds the amount to an epoch's revenue (default: the current epoch). */
  | {
    revenue: {
      epoch?: EpochId | null;
    };
  };

/** The `data` answer of each execute message. */
export type ExecuteAnswer =
  | {
    report_work: {
      accepted: number;
      rejected: number;
    };
  }
  | {
    close_epoch: {
      epoch: EpochId;
      revenue: Uint128;
    };
  }
  | {
    claim_rewards: {
      amount: Uint128;
    };
  }
  | {
    receive: StatusAnswer;
  }
  | {
    update_config: StatusAnswer;
  }
  | {
    revoke_permit: StatusAnswer;
  };

/** Answer to `config`. */
export interface ConfigResponse {
  admin: Addr;
  /** The SNIP-20 payment token rewards are paid in. */
  payment_token: ContractRef;
  /** Length of a reward epoch. */
  epoch_seconds: number;
  /** Share of each epoch's revenue kept as protocol fee, in basis points. */
  protocol_fee_bps: number;
  fee_recipient: Addr;
  unconfirmed_weight_cap: Uint128;
  uptime_reward_bps: number;
  worker_manager: ContractRef | null;
  subscription_manager: ContractRef | null;
}

/** Answer to `epoch`. */
export interface EpochResponse {
  epoch: EpochId;
  starts_at: UnixSeconds;
  ends_at: UnixSeconds;
  /** Revenue received for this epoch so far. */
  revenue: Uint128;
  /** True once the block time has reached `ends_at`. */
  closable: boolean;
}

/** Answer to `epoch_info`. */
export interface EpochInfoResponse {
  epoch: EpochId;
  starts_at: UnixSeconds;
  ends_at: UnixSeconds;
  revenue: Uint128;
  protocol_fee: Uint128;
  total_weight: Uint128;
  closed: boolean;
}

/** Answer to `rewards`. */
export interface RewardsResponse {
  pending: Uint128;
  claimed: Uint128;
  workers: Array<WorkerRewards>;
}

/** Answer type of each query, by query name. */
export interface QueryResponses {
  config: ConfigResponse;
  epoch: EpochResponse;
  epoch_info: EpochInfoResponse;
  rewards: RewardsResponse;
}

/** A usage record with its signatures. */
export interface SignedUsageRecord {
  record: UsageRecord;
  /** Worker-key signature (64-byte r‖s) over SHA-256 of the canonical JSON of `record`. */
  worker_signature: Binary;
  /** Subscriber countersignature over the same bytes; makes the record "confirmed". */
  subscriber_signature?: Binary | null;
  /** 33-byte compressed secp256k1 key of the countersigning subscriber. */
  subscriber_pubkey?: Binary | null;
}

/** Rewards of one worker. */
export interface WorkerRewards {
  worker_id: WorkerId;
  pending: Uint128;
  claimed: Uint128;
}
