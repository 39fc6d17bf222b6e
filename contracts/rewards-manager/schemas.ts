/**
 * JSON Schemas of the `rewards-manager` contract (its wire interface), loaded once at module initialisation.
 * Written by scripts/gen-contract-types.ts from the files in schema/; do not edit by hand.
 */
import type {ContractSchemaSet} from '../common/types.js';
import instantiateSchema from './schema/instantiate.json' with {type: 'json'};
import executeSchema from './schema/execute.json' with {type: 'json'};
import querySchema from './schema/query.json' with {type: 'json'};
import receiveMsgSchema from './schema/receive_msg.json' with {type: 'json'};
import configAnswer from './schema/responses/config.json' with {type: 'json'};
import epochAnswer from './schema/responses/epoch.json' with {type: 'json'};
import executeAnswer from './schema/responses/execute.json' with {type: 'json'};
import pendingRewardsAnswer from './schema/responses/pending_rewards.json' with {type: 'json'};
import workerUsageAnswer from './schema/responses/worker_usage.json' with {type: 'json'};

/** Message schemas, and answer schemas keyed by query name (`execute` = execute `data` answers). */
export const SCHEMAS: ContractSchemaSet = {
  instantiate: instantiateSchema,
  execute: executeSchema,
  query: querySchema,
  responses: {
    config: configAnswer,
    epoch: epochAnswer,
    execute: executeAnswer,
    pending_rewards: pendingRewardsAnswer,
    worker_usage: workerUsageAnswer,
  },
};

/** Schema of the message carried base64-encoded in SNIP-20 `receive.msg`. */
export const RECEIVE_MSG_SCHEMA: object = receiveMsgSchema;
