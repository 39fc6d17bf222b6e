/**
 * The devnet's one module of protobuf codecs: the Cosmos SDK and Secret compute messages, read from secretjs's
 * generated code (deep imports need the `.js` extension from ESM), with the type URLs and sign modes the node uses.
 * The node decodes with them and the devnet's signer encodes with them; nothing else imports secretjs protobufs.
 */
export {TxRaw, TxBody, AuthInfo, SignDoc} from 'secretjs/dist/protobuf/cosmos/tx/v1beta1/tx.js';
export {PubKey} from 'secretjs/dist/protobuf/cosmos/crypto/secp256k1/keys.js';
export {
  MsgExecuteContract,
  MsgExecuteContractResponse,
  MsgInstantiateContract,
  MsgInstantiateContractResponse,
  MsgStoreCode,
  MsgStoreCodeResponse,
} from 'secretjs/dist/protobuf/secret/compute/v1beta1/msg.js';
export {MsgSend} from 'secretjs/dist/protobuf/cosmos/bank/v1beta1/tx.js';
export {TxMsgData} from 'secretjs/dist/protobuf/cosmos/base/abci/v1beta1/abci.js';
export type {Any} from 'secretjs/dist/protobuf/google/protobuf/any.js';

/** Type URLs of the messages the devnet executes. */
export const TYPE_URL = {
  tx: '/cosmos.tx.v1beta1.Tx',
  execute: '/secret.compute.v1beta1.MsgExecuteContract',
  executeResponse: '/secret.compute.v1beta1.MsgExecuteContractResponse',
  instantiate: '/secret.compute.v1beta1.MsgInstantiateContract',
  instantiateResponse: '/secret.compute.v1beta1.MsgInstantiateContractResponse',
  storeCode: '/secret.compute.v1beta1.MsgStoreCode',
  storeCodeResponse: '/secret.compute.v1beta1.MsgStoreCodeResponse',
  send: '/cosmos.bank.v1beta1.MsgSend',
  sendResponse: '/cosmos.bank.v1beta1.MsgSendResponse',
  secp256k1PubKey: '/cosmos.crypto.secp256k1.PubKey',
  baseAccount: '/cosmos.auth.v1beta1.BaseAccount',
} as const;

/** `SignMode.SIGN_MODE_DIRECT`. */
export const SIGN_MODE_DIRECT = 1;
/** Names of the sign modes, for tx JSON and messages. */
export const SIGN_MODE_NAMES: Record<number, string> = {
  0: 'SIGN_MODE_UNSPECIFIED',
  1: 'SIGN_MODE_DIRECT',
  2: 'SIGN_MODE_TEXTUAL',
  3: 'SIGN_MODE_DIRECT_AUX',
  127: 'SIGN_MODE_LEGACY_AMINO_JSON',
  191: 'SIGN_MODE_EIP_191',
};
