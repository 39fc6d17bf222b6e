/**
 * JSON Schemas of the `worker-manager` contract (its wire interface), loaded once at module initialisation.
 * Written by scripts/gen-contract-types.ts from the files in schema/; do not edit by hand.
 */
import type {ContractSchemaSet} from '../common/types.js';
import instantiateSchema from './schema/instantiate.json' with {type: 'json'};
import executeSchema from './schema/execute.json' with {type: 'json'};
import querySchema from './schema/query.json' with {type: 'json'};
import acceptedMeasurementsAnswer from './schema/responses/accepted_measurements.json' with {type: 'json'};
import configAnswer from './schema/responses/config.json' with {type: 'json'};
import executeAnswer from './schema/responses/execute.json' with {type: 'json'};
import getModelsAnswer from './schema/responses/get_models.json' with {type: 'json'};
import getNextWorkerAnswer from './schema/responses/get_next_worker.json' with {type: 'json'};
import getRegistrationChallengeAnswer from './schema/responses/get_registration_challenge.json' with {type: 'json'};
import getURLsAnswer from './schema/responses/get_u_r_ls.json' with {type: 'json'};
import getWorkerAnswer from './schema/responses/get_worker.json' with {type: 'json'};
import getWorkersAnswer from './schema/responses/get_workers.json' with {type: 'json'};

/** Message schemas, and answer schemas keyed by query name (`execute` = execute `data` answers). */
export const SCHEMAS: ContractSchemaSet = {
  instantiate: instantiateSchema,
  execute: executeSchema,
  query: querySchema,
  responses: {
    accepted_measurements: acceptedMeasurementsAnswer,
    config: configAnswer,
    execute: executeAnswer,
    get_models: getModelsAnswer,
    get_next_worker: getNextWorkerAnswer,
    get_registration_challenge: getRegistrationChallengeAnswer,
    get_u_r_ls: getURLsAnswer,
    get_worker: getWorkerAnswer,
    get_workers: getWorkersAnswer,
  },
};
