import { parseOrThrow } from '@birth-lane/contract';
import { z } from 'zod';

/**
 * The two facts of the staging evidence the verdict reads; everything else is carried along to
 * the report as it is. Missing facts leave NT-6/NT-7 undecided (INCONCLUSIVE); a fact of the
 * wrong shape is refused by field.
 */
const stagingFactsSchema = z.looseObject({
  /** Certify triggers found on the staging surface (NT-6's separation invariant wants 0). */
  certifyTriggersOnSurface: z.number().int().nonnegative().optional(),
  /** What the surface's drop left behind (NT-7 wants none). */
  residue: z.array(z.unknown()).optional(),
});

export interface StagingFacts {
  readonly certifyTriggersOnSurface: number | undefined;
  readonly residue: readonly unknown[] | undefined;
}

export function readStagingFacts(evidence: Record<string, unknown>): StagingFacts {
  const facts = parseOrThrow(stagingFactsSchema, evidence, 'staging evidence');
  return { certifyTriggersOnSurface: facts.certifyTriggersOnSurface, residue: facts.residue };
}
