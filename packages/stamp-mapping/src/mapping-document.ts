import { readFile } from 'node:fs/promises';
import { conceptualStampSchema, parseOrThrow, ValidationError } from '@birth-lane/contract';
import { z } from 'zod';

/**
 * The mapping document: which existing registry column carries each conceptual stamp. Its shape
 * is checked here; whether the columns exist, with compatible types, is the live catalog's answer
 * (checkStampMapping). A column name is any identifier here on purpose: a mapping to a column the
 * registry lacks must reach the catalog check, which refuses it as a parallel source of truth and
 * says why. Rules named as in birth_lane.stamp_mapping_problems.
 */
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case column name');

export const mappingEntrySchema = z.strictObject({
  stamp: conceptualStampSchema,
  column: identifier,
  /** GOV only: the key inside the jsonb column. */
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lower-case key such as governance')
    .optional(),
  note: z.string().max(500, 'must be at most 500 characters').optional(),
});
export type MappingEntry = z.infer<typeof mappingEntrySchema>;

export const stampMappingDocumentSchema = z
  .strictObject({
    version: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, 'must be a semantic version such as 1.0.0'),
    mappings: z
      .array(mappingEntrySchema)
      .min(1, 'must map at least one stamp')
      .max(4, 'maps each of the four stamps at most once'),
  })
  .superRefine((document, ctx) => {
    const stamps = new Set<string>();
    const columns = new Set<string>();
    document.mappings.forEach((entry, index) => {
      const issue = (field: string, message: string, rule: string) =>
        ctx.addIssue({ code: 'custom', path: ['mappings', index, field], message, params: { rule } });
      if (stamps.has(entry.stamp)) issue('stamp', `maps ${entry.stamp} twice`, 'unique');
      if (columns.has(entry.column)) issue('column', `maps two stamps onto ${entry.column}`, 'unique');
      if (entry.stamp === 'GOV' && entry.key === undefined)
        issue('key', 'GOV needs a key inside its jsonb column, such as governance', 'required');
      if (entry.stamp !== 'GOV' && entry.key !== undefined)
        issue('key', `only GOV takes a key; ${entry.stamp} is a whole column`, 'gov_only');
      stamps.add(entry.stamp);
      columns.add(entry.column);
    });
  });
export type StampMappingDocument = z.infer<typeof stampMappingDocumentSchema>;

/** Parses a mapping; a bad one throws ValidationError naming the entry (`mappings.2.key`) and the rule. */
export function parseStampMapping(input: unknown): StampMappingDocument {
  return parseOrThrow(stampMappingDocumentSchema, input, 'stamp mapping');
}

/** Reads and parses a mapping file (JSON). An unreadable file or bad JSON is a ValidationError naming the file. */
export async function readStampMappingFile(path: string): Promise<StampMappingDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ValidationError(
      'stamp mapping file',
      [{ field: path, rule: 'readable', message: `cannot be read: ${(error as Error).message}` }],
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      'stamp mapping file',
      [{ field: path, rule: 'json', message: `is not JSON: ${(error as Error).message}` }],
      { cause: error },
    );
  }
  return parseStampMapping(json);
}
