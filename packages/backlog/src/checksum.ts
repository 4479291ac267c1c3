const MODULUS = 1n << 64n;

/**
 * The checksum of an in-scope id set as birth_lane.backlog_checksum writes it: the set's size and
 * the sum of its ids' 64-bit hashes modulo 2^64. A sum, so the plan adds chunk results in any order.
 */
export function idsChecksum(rows: bigint, hashSum: bigint): string {
  return `${rows}:${((hashSum % MODULUS) + MODULUS) % MODULUS}`;
}
