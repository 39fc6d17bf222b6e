// Stand-in for contracts/lib/imports.ts (see README.md): the host imports the crypto, permit and usage modules use.
@external('env', 'db_read')
export declare function db_read(key: u32): u32;
@external('env', 'db_write')
export declare function db_write(key: u32, value: u32): void;
@external('env', 'db_remove')
export declare function db_remove(key: u32): void;
@external('env', 'addr_validate')
export declare function addr_validate(source: u32): u32;
@external('env', 'addr_humanize')
export declare function addr_humanize(source: u32, destination: u32): u32;
@external('env', 'secp256k1_verify')
export declare function secp256k1_verify(hash: u32, signature: u32, pubkey: u32): u32;
