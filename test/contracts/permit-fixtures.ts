/**
 * SNIP-24 permits with known answers, shared by the permit tests of the TypeScript contracts and of the wasm
 * runtime library: the published test vectors of scrtlabs/secret-toolkit `packages/permit/src/funcs.rs` (and the
 * SolarRepublic SNIP-24.1 branch).
 */
import type {Permit} from '../../contracts/common/permit.js';

/** The pulsar-2 permit of secret-toolkit's tests: its token and signer account. */
export const TOOLKIT_PULSAR2: {permit: Permit; token: string; account: string} = {
  token: 'secret1rf03820fp8gngzg2w02vd30ns78qkc8rg8dxaq',
  account: 'secret1399pyvvk3hvwgxwt3udkslsc5jl3rqv4yshfrl',
  permit: {
    params: {
      chain_id: 'pulsar-2',
      permit_name: 'memo_secret1rf03820fp8gngzg2w02vd30ns78qkc8rg8dxaq',
      allowed_tokens: ['secret1rf03820fp8gngzg2w02vd30ns78qkc8rg8dxaq'],
      permissions: ['history'],
    },
    signature: {
      pub_key: {type: 'tendermint/PubKeySecp256k1', value: 'A5M49l32ZrV+SDsPnoRv8fH7ivNC4gEX9prvd4RwvRaL'},
      signature: 'hw/Mo3ZZYu1pEiDdymElFkuCuJzg9soDHw+4DxK7cL9rafiyykh7VynS+guotRAKXhfYMwCiyWmiznc6R+UlsQ==',
    },
  },
};
/** The SNIP-24.1 vectors (`created` / `expires`, blanket `ANY_TOKEN`): signer key and account, token, times. */
export const SNIP24_1_PUBKEY = 'AwSFyMndr25JX03rGSlXQ5oSO6F+9GoqQILZu/DytRrr';
export const SNIP24_1_ACCOUNT = 'secret16v498l7d335wlzxpzg0mwkucrszdlza008dhc9';
export const SNIP24_1_TOKEN = 'secret18vd8fpwxzck93qlwghaj6arh4p7c5n8978vsyg';
export const CREATED_SECONDS = 1734454740;
export const EXPIRES_SECONDS = 1734677970;
export const timedPermit = (allowed: string[], signature: string): Permit => ({
  params: {
    chain_id: 'secret-4', permit_name: 'test', allowed_tokens: allowed, permissions: ['balance'],
    created: '2024-12-17T16:59:00.000Z', expires: '2024-12-20T06:59:30.333Z',
  },
  signature: {pub_key: {type: 'tendermint/PubKeySecp256k1', value: SNIP24_1_PUBKEY}, signature},
});
export const TIMED = timedPermit([SNIP24_1_TOKEN], 'mFDn5w59gaDTHZ5UzEA6l+sUOtlWDx/HcSi1NpZM13YuamMehIi3mseqXcQy4loE63N0hYhyXiVZdzrPM28A+g==');
export const BLANKET = timedPermit(['ANY_TOKEN'], 'Qte1iS54RsyRCN3rmOjA96yXQTn+eg4YaEUAU/Q5mLVGU9mOCEw6LMZjU2owLB4ogcziWrMkLOL3dtOrj3dL4Q==');
