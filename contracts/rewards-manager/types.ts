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
   * From the account of a registered worker: signed usage records (each counts with weight input_tokens + 4 ×
   * output_tokens). Records are checked one by one: a refused record is listed in the answer and counts
   * nothing, the others count.
   */
  | {
    report_work: {
      records: Array<SignedUsageRecord>;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /**
   * Anyone, once the oldest open epoch has ended: closes it — the protocol fee is paid to the fee recipient
   * and the rest is fixed for pro-rata sharing by weight.
   */
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
  /** An epoch's bounds and totals (default: the epoch the block time is in). */
  | {
    epoch: {
      id?: EpochId | null;
    };
  }
  /**
   * Settled, not yet settled and claimed rewards of the workers the permit signer operates or is the payout
   * address of.
   */
  | {
    pending_rewards: {
      /**
       * Permit for this contract of a worker operator or payout address, with the `balance` (or `owner`)
       * permission.
       */
      permit: Permit;
    };
  }
  /**
   * One worker's counted usage in an epoch (default: the epoch the block time is in); permit of its operator
   * or payout address.
   */
  | {
    worker_usage: {
      worker_id: WorkerId;
      epoch?: EpochId | null;
      /** Permit for this contract of the worker's operator or payout address (`balance` or `owner`). */
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
      /** Records counted. */
      accepted: number;
      /** Records refused (they count nothing). */
      rejected: number;
      /** Weight counted by this report (confirmed plus capped unconfirmed). */
      weight: Uint128;
      rejections: Array<RecordRejection>;
    };
  }
  | {
    close_epoch: {
      epoch: EpochId;
      /** Revenue of the epoch plus the remainder carried in from earlier epochs. */
      revenue: Uint128;
      /** Paid to the fee recipient (the fee minus the uptime pool). */
      protocol_fee: Uint128;
      /** Shared pro rata to weight. */
      distributed: Uint128;
      total_weight: Uint128;
    };
  }
  | {
    claim_rewards: {
      /** Total paid, payment-token base units. */
      amount: Uint128;
      payouts: Array<Payout>;
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
  /** Revenue received for this epoch (so far, while it is open). */
  revenue: Uint128;
  /** True when this is the oldest open epoch and the block time has reached `ends_at`. */
  closable: boolean;
  closed: boolean;
  /** Weight counted in the epoch so far. */
  total_weight: Uint128;
  /** Workers that reported work while live in the epoch (uptime pool shares). */
  workers_up: number;
  /** Remainders of earlier epochs added to this one's revenue when it closed. */
  carried_in?: Uint128 | null;
  /** Once closed: paid to the fee recipient. */
  protocol_fee?: Uint128 | null;
  /** Once closed: the part of the fee shared equally by the workers that were up. */
  uptime_pool?: Uint128 | null;
  /** Once closed: revenue plus carry minus the fee, shared pro rata to weight. */
  distributed?: Uint128 | null;
}

/** Answer to `pending_rewards`. */
export interface PendingRewardsResponse {
  /** Claimable now: rewards of closed epochs. */
  pending: Uint128;
  /** Weight counted in epochs not closed yet (paid once they close). */
  unsettled_weight: Uint128;
  claimed: Uint128;
  workers: Array<WorkerRewards>;
}

/** Answer to `worker_usage`. */
export interface WorkerUsageResponse {
  worker_id: WorkerId;
  epoch: EpochId;
  /** Records counted. */
  records: number;
  /** Weight counted (confirmed + unconfirmed). */
  weight: Uint128;
  confirmed_weight: Uint128;
  /** Weight of worker-only records counted (at most the cap). */
  unconfirmed_weight: Uint128;
  /** Reported work while live in the epoch (shares the uptime pool). */
  up: boolean;
  /** Once the epoch is closed: this worker's share (weight and uptime). */
  reward: Uint128 | null;
}

/** Answer type of each query, by query name. */
export interface QueryResponses {
  config: ConfigResponse;
  epoch: EpochResponse;
  pending_rewards: PendingRewardsResponse;
  worker_usage: WorkerUsageResponse;
}

/** Tokens paid to one payout address for one worker. */
export interface Payout {
  worker_id: WorkerId;
  address: Addr;
  amount: Uint128;
}

/** A refused usage record: its position in the report and why. */
export interface RecordRejection {
  index: number;
  request_id: string;
  reason: string;
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
  unsettled_weight: Uint128;
}
