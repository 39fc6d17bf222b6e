/**
 * Types of the `worker-manager` contract's messages and answers, written by scripts/gen-contract-types.ts from
 * contracts/worker-manager/schema/**.json. Do not edit by hand: change the schema and rerun the script.
 */

import type {
  Addr,
  Binary,
  ContractRef,
  ModelName,
  Permit,
  Sha256Hex,
  StatusAnswer,
  Uint128,
  UnixSeconds,
  WorkerId,
} from '../common/types.generated.js';

export type * from '../common/types.generated.js';

/** Instantiates the WorkerManager: registry of GPU workers and their assignment to subscribers. */
export interface InstantiateMsg {
  /** Admin; defaults to the instantiating account. */
  admin?: Addr | null;
  /** The SNIP-20 payment token. */
  payment_token: ContractRef;
  /** Minimum native stake (in `stake_denom` base units) sent with `register_worker`. */
  min_stake: Uint128;
  /**
   * Length of an assignment epoch: `get_next_worker` is sticky per subscriber per epoch and the registration
   * challenge rotates with it.
   */
  epoch_seconds: number;
  /** Delay between `deregister_worker` and `withdraw_stake`. */
  unbonding_seconds: number;
  /** Native denomination of the stake (default `uscrt`). */
  stake_denom?: string | null;
  /** How often a worker must report liveness to stay live (default: `epoch_seconds`). */
  liveness_interval_seconds?: number | null;
  subscription_manager?: ContractRef | null;
  /** Receives slashed stake (default: the admin). */
  fee_address?: Addr | null;
  /** Accept worker URLs on loopback hosts (devnets only; default false). */
  allow_loopback_urls?: boolean | null;
  /**
   * The measurement policy clients appraise workers against (admin-changeable with
   * `set_accepted_measurements`).
   */
  accepted_measurements?: MeasurementPolicy | null;
  rewards_manager?: ContractRef | null;
}

/** WorkerManager execute messages. */
export type ExecuteMsg =
  /**
   * Registers a worker; the native stake comes in `sent_funds`. Rejected if the stake is below the minimum or
   * the attestation binding does not name `worker_pubkey` and the current registration challenge. Answer:
   * `{"register_worker":{"worker_id":"…"}}`.
   */
  | {
    register_worker: {
      url: WorkerUrl;
      models: Array<ModelName>;
      /** Where rewards are paid (payment token). */
      payout_address: Addr;
      /** 33-byte compressed secp256k1 key bound in the attestation. */
      worker_pubkey: Binary;
      attestation: AttestationBundle;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Operator only: changes a worker's URL, models, payout address or attestation. */
  | {
    update_worker: {
      /** Required when the sender operates more than one worker. */
      worker_id?: WorkerId | null;
      url?: WorkerUrl | null;
      models?: Array<ModelName> | null;
      payout_address?: Addr | null;
      attestation?: AttestationBundle | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Operator only: stops assignment and starts the unbonding period. */
  | {
    deregister_worker: {
      worker_id?: WorkerId | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Operator only: returns the stake once unbonding has ended. */
  | {
    withdraw_stake: {
      worker_id?: WorkerId | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Proves the worker key is still held by a running worker. */
  | {
    report_liveness: {
      worker_id?: WorkerId | null;
      /** Worker-key signature (64-byte r‖s) over SHA-256 of the current registration challenge. */
      signature: Binary;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only: removes a worker (its stake is returned after unbonding). */
  | {
    remove_worker: {
      worker_id: WorkerId;
      reason?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only: takes `amount` of the worker's stake and removes it. */
  | {
    slash_worker: {
      worker_id: WorkerId;
      amount: Uint128;
      reason?: string | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only: changes the given settings; absent fields stay as they are. */
  | {
    update_config: {
      admin?: Addr | null;
      payment_token?: ContractRef | null;
      min_stake?: Uint128 | null;
      stake_denom?: string | null;
      epoch_seconds?: number | null;
      unbonding_seconds?: number | null;
      liveness_interval_seconds?: number | null;
      subscription_manager?: ContractRef | null;
      rewards_manager?: ContractRef | null;
      fee_address?: Addr | null;
      allow_loopback_urls?: boolean | null;
      /** Ignored; lets the sender hide the real message length. */
      padding?: string | null;
    };
  }
  /** Admin only: replaces the measurement policy clients appraise workers against. */
  | {
    set_accepted_measurements: {
      policy: MeasurementPolicy;
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

/** WorkerManager queries. */
export type QueryMsg =
  /** Public settings. */
  | {
    config: Record<string, never>;
  }
  /** Models offered by live workers (compatible with the Secret AI SDKs). */
  | {
    get_models: Record<string, never>;
  }
  /** Registered workers in id order, optionally only those serving `model`. */
  | {
    get_workers: {
      model?: ModelName | null;
      start_after?: WorkerId | null;
      limit?: number | null;
    };
  }
  /** One worker with its attestation bundle. */
  | {
    get_worker: {
      id: WorkerId;
    };
  }
  /** Deterministic pick among live workers for `model`, sticky per subscriber per epoch. */
  | {
    get_next_worker: {
      model: ModelName;
      /** Subscriber permit for this contract with the `balance` (or `owner`) permission. */
      permit: Permit;
      /** Workers to skip (failover after a worker did not answer or did not verify). */
      exclude?: Array<WorkerId> | null;
    };
  }
  /** The measurement policy set by the admin (null when none is set). */
  | {
    accepted_measurements: Record<string, never>;
  }
  /** The challenge a new attestation must bind (design §5). */
  | {
    get_registration_challenge: Record<string, never>;
  }
  /** Worker URLs, optionally for one model (compatible with the Secret AI SDKs). */
  | {
    get_u_r_ls: {
      model?: ModelName | null;
    };
  };

/** The `data` answer of each execute message. */
export type ExecuteAnswer =
  | {
    register_worker: {
      worker_id: WorkerId;
    };
  }
  | {
    set_accepted_measurements: StatusAnswer;
  }
  | {
    update_worker: StatusAnswer;
  }
  | {
    deregister_worker: StatusAnswer;
  }
  | {
    withdraw_stake: StatusAnswer;
  }
  | {
    report_liveness: StatusAnswer;
  }
  | {
    remove_worker: StatusAnswer;
  }
  | {
    slash_worker: StatusAnswer;
  }
  | {
    update_config: StatusAnswer;
  }
  | {
    revoke_permit: StatusAnswer;
  };

/** Answer to `accepted_measurements`. */
export interface AcceptedMeasurementsResponse {
  policy: MeasurementPolicy | null;
}

/** Answer to `config`. */
export interface ConfigResponse {
  admin: Addr;
  /** The SNIP-20 payment token. */
  payment_token: ContractRef;
  /** Minimum native stake (in `stake_denom` base units) sent with `register_worker`. */
  min_stake: Uint128;
  /**
   * Length of an assignment epoch: `get_next_worker` is sticky per subscriber per epoch and the registration
   * challenge rotates with it.
   */
  epoch_seconds: number;
  /** Delay between `deregister_worker` and `withdraw_stake`. */
  unbonding_seconds: number;
  stake_denom: string;
  liveness_interval_seconds: number;
  subscription_manager: ContractRef | null;
  rewards_manager: ContractRef | null;
  /** Receives slashed stake. */
  fee_address: Addr;
  /** Whether worker URLs on loopback hosts are accepted (devnets). */
  allow_loopback_urls: boolean;
}

/** Answer to `get_models`. */
export interface GetModelsResponse {
  models: Array<ModelName>;
}

/** Answer to `get_next_worker`. */
export interface GetNextWorkerResponse {
  worker: WorkerInfo;
  attestation: AttestationBundle;
  /** Assignment epoch the pick is sticky for. */
  epoch: number;
}

/** Answer to `get_registration_challenge`. */
export interface GetRegistrationChallengeResponse {
  /** 32 bytes, hex; the GPU nonce is SHA-256("secretai/v1" ‖ worker_pubkey ‖ challenge). */
  challenge: Sha256Hex;
  epoch: number;
  /**
   * When this challenge stops being current (the end of its epoch); it is still accepted during the next
   * epoch.
   */
  valid_until: UnixSeconds;
  /** The previous epoch's challenge, also accepted at registration (absent in epoch 0). */
  previous?: Sha256Hex;
}

/** Answer to `get_u_r_ls`. */
export interface GetURLsResponse {
  urls: Array<WorkerUrl>;
}

/** Answer to `get_worker`. */
export interface GetWorkerResponse {
  worker: WorkerInfo;
  attestation: AttestationBundle;
}

/** Answer to `get_workers`. */
export interface GetWorkersResponse {
  workers: Array<WorkerInfo>;
}

/** Answer type of each query, by query name. */
export interface QueryResponses {
  accepted_measurements: AcceptedMeasurementsResponse;
  config: ConfigResponse;
  get_models: GetModelsResponse;
  get_next_worker: GetNextWorkerResponse;
  get_registration_challenge: GetRegistrationChallengeResponse;
  get_u_r_ls: GetURLsResponse;
  get_worker: GetWorkerResponse;
  get_workers: GetWorkersResponse;
}

/**
 * The attestation bundle of design §5 (CPU evidence, GPU evidence, TLS SPKI, worker key), versioned; stored
 * as submitted so anyone can re-verify it.
 */
export interface AttestationBundle {
  version: number;
  [key: string]: unknown;
}

/** 48 bytes (a SHA-384 measurement register) as 96 lower-case hex characters. */
export type Hex96 = string;

/**
 * The measurements the network accepts (attestation.md step 5): TDX MRTD and RTMR0–2 (RTMR3 optional),
 * SEV-SNP MEASUREMENT (HOST_DATA optional), NVIDIA minimum driver and VBIOS versions; a named, versioned
 * document.
 */
export interface MeasurementPolicy {
  name: string;
  version: string;
  tdx?: Array<{
    mrtd: Hex96;
    rtmr0: Hex96;
    rtmr1: Hex96;
    rtmr2: Hex96;
    rtmr3?: Hex96;
  }>;
  sev_snp?: Array<{
    measurement: Hex96;
    host_data?: Sha256Hex;
  }>;
  nvidia?: {
    min_driver_version?: string;
    min_vbios_version?: string;
  };
}

/** Public facts about a registered worker. */
export interface WorkerInfo {
  id: WorkerId;
  /** Account that registered the worker. */
  operator: Addr;
  url: WorkerUrl;
  models: Array<ModelName>;
  payout_address: Addr;
  /** 33-byte compressed secp256k1 key that signs usage records and liveness reports. */
  worker_pubkey: Binary;
  status: WorkerStatus;
  stake: Uint128;
  registered_at: UnixSeconds;
  /** Block time of the last accepted liveness report. */
  last_liveness_at: number | null;
  /** When the stake can be withdrawn after `deregister_worker`. */
  unbonding_ends_at: number | null;
}

/** Life-cycle state of a worker. */
export type WorkerStatus = "active" | "unbonding" | "withdrawn" | "removed";

/** HTTPS (or, on a devnet, HTTP) base URL of the worker gateway. */
export type WorkerUrl = string;
