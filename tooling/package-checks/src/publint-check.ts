import { readFile } from 'node:fs/promises';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

export interface PublintResult {
  /** False when publint reports an error or a warning (as `publint --strict` would fail). */
  readonly ok: boolean;
  readonly counts: { readonly error: number; readonly warning: number; readonly suggestion: number };
  /** One line per message, e.g. `error: pkg.exports["."].types …`. */
  readonly messages: readonly string[];
}

/**
 * Lints the packed tarball (what would be published, not the folder) with publint at every level.
 * Errors and warnings fail; suggestions are printed but pass.
 */
export async function publintCheck(tarball: string): Promise<PublintResult> {
  const bytes = await readFile(tarball);
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { messages, pkg } = await publint({ pack: { tarball: data }, level: 'suggestion' });
  const counts = { error: 0, warning: 0, suggestion: 0 };
  for (const message of messages) counts[message.type] += 1;
  return {
    ok: counts.error === 0 && counts.warning === 0,
    counts,
    messages: messages.map(
      (message) => `${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`,
    ),
  };
}
