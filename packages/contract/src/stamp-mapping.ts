import { z } from 'zod';
import { REGISTRY_COLUMNS } from './registry-row.js';

/** Conceptual stamps of the lifecycle. They map onto columns that already exist; none adds a column. */
export const CONCEPTUAL_STAMPS = ['BIRTH', 'PROMOTE', 'OWNER', 'GOV'] as const;
export const conceptualStampSchema = z.enum(CONCEPTUAL_STAMPS);
export type ConceptualStamp = z.infer<typeof conceptualStampSchema>;

const existingColumn = z.enum(REGISTRY_COLUMNS as [string, ...string[]], {
  error: () => 'must be an existing birth_registry column; stamp mapping never adds a column',
});

export const stampMappingSchema = z
  .strictObject({
    version: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, 'must be a semantic version such as 1.0.0'),
    mappings: z
      .array(
        z.strictObject({ stamp: conceptualStampSchema, column: existingColumn, note: z.string().optional() }),
      )
      .min(1, 'must map at least one stamp'),
  })
  .superRefine((mapping, ctx) => {
    const stamps = new Set<string>();
    const columns = new Set<string>();
    mapping.mappings.forEach((entry, index) => {
      if (stamps.has(entry.stamp)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mappings', index, 'stamp'],
          message: `maps ${entry.stamp} twice`,
          params: { rule: 'unique' },
        });
      }
      if (columns.has(entry.column)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mappings', index, 'column'],
          message: `maps two stamps onto ${entry.column}`,
          params: { rule: 'unique' },
        });
      }
      if (['inspect_pen', 'inspect_stamp', 'inspect_gate', 'id', 'entity_code'].includes(entry.column)) {
        ctx.addIssue({
          code: 'custom',
          path: ['mappings', index, 'column'],
          message: `${entry.column} belongs to the inspect stud or the identity; a lifecycle stamp may not reuse it`,
          params: { rule: 'reserved_column' },
        });
      }
      stamps.add(entry.stamp);
      columns.add(entry.column);
    });
  });
export type StampMapping = z.infer<typeof stampMappingSchema>;
