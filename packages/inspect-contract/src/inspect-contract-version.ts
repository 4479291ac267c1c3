/**
 * The version of the inspect stud's rules: the states, reasons and guard rules. A change to what a
 * combination of stamps means is a major bump; the database reports the same value through
 * `birth_lane.inspect_contract_version()`, so a block can refuse to run against a stud it does not know.
 */
export const INSPECT_CONTRACT_VERSION = '1.0.0';
