/**
 * How dev attestation identifies itself. Every certificate of the devnet-only chain of trust carries
 * {@link DEV_ORGANIZATIONAL_UNIT} in its subject, so evidence anchored on it is recognisable and labelled
 * even by a profile that does not know (and must not accept) the devnet's roots. The marker only ever
 * labels evidence: acceptance still requires the root's SHA-256 pin and a policy that allows dev.
 */

/** Label shown wherever dev evidence appears (design.md §5). */
export const DEV_LABEL = 'dev attestation (not hardware)';

/** Subject OU of every dev certificate. */
export const DEV_ORGANIZATIONAL_UNIT = 'secretai dev attestation (not hardware)';

/** True when a certificate subject (as rendered by x509.ts `nameToString`) carries the dev marker. */
export function isDevSubject(subject: string): boolean {
  return subject.includes(`OU=${DEV_ORGANIZATIONAL_UNIT}`);
}
