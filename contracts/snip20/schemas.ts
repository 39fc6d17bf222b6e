/**
 * JSON Schemas of the `snip20` contract (its wire interface), loaded once at module initialisation.
 * Written by scripts/gen-contract-types.ts from the files in schema/; do not edit by hand.
 */
import type {ContractSchemaSet} from '../common/types.js';
import instantiateSchema from './schema/instantiate.json' with {type: 'json'};
import executeSchema from './schema/execute.json' with {type: 'json'};
import querySchema from './schema/query.json' with {type: 'json'};
import allowanceAnswer from './schema/responses/allowance.json' with {type: 'json'};
import balanceAnswer from './schema/responses/balance.json' with {type: 'json'};
import exchangeRateAnswer from './schema/responses/exchange_rate.json' with {type: 'json'};
import executeAnswer from './schema/responses/execute.json' with {type: 'json'};
import mintersAnswer from './schema/responses/minters.json' with {type: 'json'};
import tokenConfigAnswer from './schema/responses/token_config.json' with {type: 'json'};
import tokenInfoAnswer from './schema/responses/token_info.json' with {type: 'json'};
import transactionHistoryAnswer from './schema/responses/transaction_history.json' with {type: 'json'};
import withPermitAnswer from './schema/responses/with_permit.json' with {type: 'json'};

/** Message schemas, and answer schemas keyed by query name (`execute` = execute `data` answers). */
export const SCHEMAS: ContractSchemaSet = {
  instantiate: instantiateSchema,
  execute: executeSchema,
  query: querySchema,
  responses: {
    allowance: allowanceAnswer,
    balance: balanceAnswer,
    exchange_rate: exchangeRateAnswer,
    execute: executeAnswer,
    minters: mintersAnswer,
    token_config: tokenConfigAnswer,
    token_info: tokenInfoAnswer,
    transaction_history: transactionHistoryAnswer,
    with_permit: withPermitAnswer,
  },
};
