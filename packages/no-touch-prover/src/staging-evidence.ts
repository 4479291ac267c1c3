import { parseOrThrow } from '@birth-lane/contract';
import { z } from 'zod';

/**
 * The two facts of the staging evidence the verdict reads; everything else is carried along to
 * the report as it is. Missing facts leave NT-6/NT-7 undecided (INCONCLUSIVE); a fact of the
 * wrong shape is refused by field.
 */
const stagingFactsSchema = z.looseObject({
  /**
   * Triggers on the staging surface's tables other than its known guards (the stud guard and the
   * evidence's append-only guards): any of them could certify, so NT-6 wants 0.
   */
  certifyTriggersOnSurface: z.number().int().nonnegative().optional(),
  /** Their names (`trigger on table → function`), when the evidence gives them. */
  unknownTriggers: z.array(z.string()).optional(),
  /** What the surface's drop left behind (NT-7 wants none). */
  residue: z.array(z.unknown()).optional(),
});

export interface StagingFacts {
  readonly certifyTriggersOnSurface: number | undefined;
  readonly unknownTriggers: readonly string[] | undefined;
  readonly residue: readonly unknown[] | undefined;
}

export function readStagingFacts(evidence: Record<string, unknown>): StagingFacts {
  const facts = parseOrThrow(stagingFactsSchema, evidence, 'staging evidence');
  return {
    certifyTriggersOnSurface: facts.certifyTriggersOnSurface,
    unknownTriggers: facts.unknownTriggers,
    residue: facts.residue,
  };
}
