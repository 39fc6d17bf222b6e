/**
 * JSON Schemas of the `subscription-manager` contract (its wire interface), loaded once at module initialisation.
 * Written by scripts/gen-contract-types.ts from the files in schema/; do not edit by hand.
 */
import type {ContractSchemaSet} from '../common/types.js';
import instantiateSchema from './schema/instantiate.json' with {type: 'json'};
import executeSchema from './schema/execute.json' with {type: 'json'};
import querySchema from './schema/query.json' with {type: 'json'};
import receiveMsgSchema from './schema/receive_msg.json' with {type: 'json'};
import apiKeyStatusAnswer from './schema/responses/api_key_status.json' with {type: 'json'};
import apiKeysAnswer from './schema/responses/api_keys.json' with {type: 'json'};
import apiKeysWithPermitAnswer from './schema/responses/api_keys_with_permit.json' with {type: 'json'};
import configAnswer from './schema/responses/config.json' with {type: 'json'};
import executeAnswer from './schema/responses/execute.json' with {type: 'json'};
import keyHandleMatchesAnswer from './schema/responses/key_handle_matches.json' with {type: 'json'};
import plansAnswer from './schema/responses/plans.json' with {type: 'json'};
import revenueAnswer from './schema/responses/revenue.json' with {type: 'json'};
import subscriptionAnswer from './schema/responses/subscription.json' with {type: 'json'};

/** Message schemas, and answer schemas keyed by query name (`execute` = execute `data` answers). */
export const SCHEMAS: ContractSchemaSet = {
  instantiate: instantiateSchema,
  execute: executeSchema,
  query: querySchema,
  responses: {
    api_key_status: apiKeyStatusAnswer,
    api_keys: apiKeysAnswer,
    api_keys_with_permit: apiKeysWithPermitAnswer,
    config: configAnswer,
    execute: executeAnswer,
    key_handle_matches: keyHandleMatchesAnswer,
    plans: plansAnswer,
    revenue: revenueAnswer,
    subscription: subscriptionAnswer,
  },
};

/** Schema of the message carried base64-encoded in SNIP-20 `receive.msg`. */
export const RECEIVE_MSG_SCHEMA: object = receiveMsgSchema;
