import { EXIT_CODES, ValidationError } from '@birth-lane/contract';
import { type CommandHost, withDatabase } from '@birth-lane/contract/cli';
import { refilePromotionRequests } from '../refile-promotions.js';

/** The work of `birth-lane approvals refile-promotions` (see refile-promotions-command.ts). */
export async function refilePromotions(host: CommandHost, flags: { limit: string; json?: boolean }) {
  const limit = parseLimit(flags.limit);
  return withDatabase(host, async (db) => {
    // A login without birth_lane_governance is refused by refilePromotionRequests, naming the role.
    const filed = await refilePromotionRequests(db, { limit });
    if (flags.json) process.stdout.write(`${JSON.stringify({ filed })}\n`);
    else
      process.stdout.write(
        filed === 0
          ? 'no promotion request to re-file: every canonical row ready for promotion has an open request\n'
          : `${filed} promotion request(s) filed by the certify consumer; see \`birth-lane approvals list --open\`\n`,
      );
    return EXIT_CODES.completed;
  });
}

function parseLimit(value: string): number {
  const limit = /^[0-9]{1,6}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw new ValidationError('approvals refile-promotions', [
      { field: '--limit', rule: 'range', message: `must be a whole number from 1 to 100000, got "${value}"` },
    ]);
  }
  return limit;
}
