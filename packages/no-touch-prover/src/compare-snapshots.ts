import {
  type ClaimChanges,
  type ClaimResult,
  type FailOpenCondition,
  type NoTouchClaimId,
  type ProductionSnapshot,
  type ProofReport,
  parseOrThrow,
  proofReportSchema,
  type SnapshotFigures,
  ValidationError,
  type ValidationIssue,
  verdictOf,
  type WatchedGroup,
} from '@birth-lane/contract';
import { type BucketChange, locateChanges } from './locate-changes.js';
import { parseSnapshot } from './parse-snapshot.js';
import { readStagingFacts } from './staging-evidence.js';

/** Changed ids a claim lists unless told otherwise. */
export const DEFAULT_CHANGED_ID_LIMIT = 20;

export interface CompareOptions {
  readonly rehearsalId: string;
  /** What the staging surface reported: `certifyTriggersOnSurface` (NT-6) and `residue` (NT-7) are read. */
  readonly stagingEvidence: Record<string, unknown>;
  /**
   * Which registry ids the rehearsal could have touched (e.g. the rows it sampled). A change on
   * such an id FAILs the proof; a change elsewhere, or one without an id (a KG count), cannot be
   * attributed and makes it INCONCLUSIVE. Without it, every change between the two snapshots
   * counts against the rehearsal (FAIL).
   */
  readonly attributableIds?: (id: bigint) => boolean;
  /** Changed ids listed per claim (default 20). */
  readonly limit?: number;
}

type Figures = Record<string, number | string | null>;
type Decided = {
  holds: boolean | null;
  detail: string;
  failCondition?: FailOpenCondition;
  changes?: ClaimChanges;
};

/**
 * The NT-1…NT-8 verdict of a rehearsal, from the production snapshots taken before and after it
 * and the staging surface's evidence; every claim carries its before and after numbers, and the
 * report is held to the contract's proofReportSchema (no silent PASS).
 */
export function compareSnapshots(
  beforeInput: ProductionSnapshot,
  afterInput: ProductionSnapshot,
  options: CompareOptions,
): ProofReport {
  const before = parseSnapshot(beforeInput, 'before snapshot');
  const after = parseSnapshot(afterInput, 'after snapshot');
  refuseMismatchedPair(before, after);
  const limit = options.limit ?? DEFAULT_CHANGED_ID_LIMIT;
  const facts = readStagingFacts(options.stagingEvidence);
  const changes = locateChanges(before, after);

  const judge = (
    groups: readonly WatchedGroup[],
    same: boolean,
    condition: FailOpenCondition,
    what: string,
  ) => {
    const mine = changes.filter((change) => change.groups.some((group) => groups.includes(group)));
    if (same && mine.length === 0) return { holds: true, detail: `${what}: identical before and after` };
    return attribute(mine, condition, what, options.attributableIds, limit);
  };

  const nt1 = claim('NT-1', stampFigures(before), stampFigures(after), () =>
    judge(
      ['pen', 'stamp', 'gate'],
      same(stampFigures(before), stampFigures(after)),
      'F-OPEN-1',
      'production inspect_* stamps',
    ),
  );
  const nt2 = claim('NT-2', certifiedFigures(before), certifiedFigures(after), () =>
    judge(
      ['certified'],
      same(certifiedFigures(before), certifiedFigures(after)),
      'F-OPEN-2',
      'certified and certified_at',
    ),
  );
  const nt3 = claim('NT-3', canonicalFigures(before), canonicalFigures(after), () =>
    judge(
      ['canonical'],
      same(canonicalFigures(before), canonicalFigures(after)),
      'F-OPEN-3',
      'canonical_address, owner, jsonb_profile, status',
    ),
  );
  const nt4 = claim('NT-4', identityFigures(before), identityFigures(after), () =>
    judge(
      ['identity'],
      same(identityFigures(before), identityFigures(after)),
      'F-OPEN-8',
      'rows, max id and identity fields',
    ),
  );
  const nt5 = claim('NT-5', kgFigures(before, after), kgFigures(after, before), () => {
    if (same(kgFigures(before, after), kgFigures(after, before)))
      return { holds: true, detail: kgDetail(before) };
    return attribute([], 'F-OPEN-8', 'knowledge-graph table counts', options.attributableIds, limit);
  });

  const nt6 = claim(
    'NT-6',
    certifiedFigures(before),
    { ...certifiedFigures(after), certify_triggers_on_surface: facts.certifyTriggersOnSurface ?? null },
    (): Decided => {
      if (nt2.holds === false)
        return {
          holds: false,
          failCondition: 'F-OPEN-8',
          detail: 'production certification changed (NT-2 broken)',
        };
      if (facts.certifyTriggersOnSurface === undefined)
        return {
          holds: null,
          detail: 'no staging evidence of the separation invariant (certifyTriggersOnSurface)',
        };
      if (facts.certifyTriggersOnSurface > 0)
        return {
          holds: false,
          failCondition: 'F-OPEN-8',
          detail: `${facts.certifyTriggersOnSurface} trigger(s) on the staging surface that are not its known guards${facts.unknownTriggers?.length ? ` (${facts.unknownTriggers.join(', ').slice(0, 300)})` : ''}: a candidate could reach B4`,
        };
      if (nt2.holds === null) return { holds: null, detail: 'NT-2 undecided' };
      return {
        holds: true,
        detail: 'certification unchanged (NT-2) and no certify trigger on the staging surface',
      };
    },
  );

  const moved = movedCounters(before, after);
  const secondary =
    moved.length > 0
      ? ` (the statistics' write counters moved: ${moved.join(', ')}; they lag writes and count rolled-back ones, so they only inform)`
      : '';
  const nt7 = claim(
    'NT-7',
    { ...counterFigures(before), 'registry.written_since': 0, 'registry.pending_writers': 0 },
    {
      ...counterFigures(after),
      'registry.written_since': after.since?.writtenRows ?? null,
      'registry.pending_writers': after.since?.pendingWriters ?? null,
      'staging.residue': facts.residue?.length ?? null,
    },
    (): Decided => {
      if (facts.residue !== undefined && facts.residue.length > 0)
        return {
          holds: false,
          failCondition: 'F-OPEN-9',
          detail: `the staging drop left ${facts.residue.length} thing(s) behind: ${JSON.stringify(facts.residue).slice(0, 300)}`,
        };
      const production = [nt1, nt2, nt3, nt4, nt5];
      const broken = production.filter((each) => each.holds === false).map((each) => each.id);
      if (broken.length > 0)
        return {
          holds: false,
          failCondition: 'F-OPEN-8',
          detail: `production changed: ${broken.join(', ')} broken`,
        };
      if (after.since === null)
        return {
          holds: null,
          detail:
            'the after snapshot was not taken since the before one (no written-since figure): writes in the window that left every checksum as it was cannot be ruled out',
        };
      if (after.since.writtenRows > 0) {
        // A write on the registry in the window is a fact whatever the checksums say (a value written
        // back as it was, or a change no group sum shows): containment did not hold.
        const written = attribute(
          after.since.writtenIds.map((id) => ({
            bucket: 0n,
            groups: [],
            unplaced: true,
            id: BigInt(id),
            from: BigInt(id),
            to: BigInt(id),
          })),
          'F-OPEN-8',
          `${after.since.writtenRows} registry row(s) written since the before snapshot`,
          options.attributableIds,
          limit,
        );
        const unlisted = after.since.writtenRows - after.since.writtenIds.length;
        return written.changes
          ? { ...written, changes: { ...written.changes, moreIds: written.changes.moreIds + unlisted } }
          : written;
      }
      if (after.since.pendingWriters > 0)
        return {
          holds: null,
          detail: `${after.since.pendingWriters} session(s) held uncommitted writes on the registry when the after snapshot ended: no snapshot can see them, and they may commit after the rehearsal`,
        };
      if (facts.residue === undefined)
        return {
          holds: null,
          detail: 'no staging evidence of the drop (residue): containment cannot be shown',
        };
      const undecided = production.filter((each) => each.holds === null).map((each) => each.id);
      if (undecided.length > 0)
        return { holds: null, detail: `production changed, unattributed: ${undecided.join(', ')}` };
      return {
        holds: true,
        detail: `staging residue empty, no registry row written since the before snapshot, production identical to it${secondary}`,
      };
    },
  );

  const evidenced = [nt1, nt2, nt3, nt4, nt5, nt6, nt7];
  const withNumbers = evidenced.filter(
    (each) => Object.keys(each.before).length > 0 && Object.keys(each.after).length > 0,
  ).length;
  const nt8 = claim(
    'NT-8',
    { 'claims.expected': evidenced.length },
    { 'claims.with_numbers': withNumbers },
    () =>
      withNumbers === evidenced.length
        ? { holds: true, detail: 'NT-1…NT-7 each carry their before and after numbers' }
        : {
            holds: false,
            failCondition: 'F-OPEN-10',
            detail: `${evidenced.length - withNumbers} claim(s) without numbers`,
          },
  );

  const claims = [...evidenced, nt8];
  const { buckets: _before, recentVersions: _beforeRecent, ...beforeFigures } = before;
  const { buckets: _after, recentVersions: _afterRecent, ...afterFigures } = after;
  return parseOrThrow(
    proofReportSchema,
    {
      rehearsalId: options.rehearsalId,
      verdict: verdictOf(claims),
      claims,
      before: beforeFigures,
      after: afterFigures,
      stagingEvidence: options.stagingEvidence,
    },
    'proof report',
  );
}

function claim(id: NoTouchClaimId, before: Figures, after: Figures, decide: () => Decided): ClaimResult {
  const decided = decide();
  return {
    id,
    holds: decided.holds,
    before,
    after,
    detail: decided.detail,
    ...(decided.failCondition && decided.holds === false ? { failCondition: decided.failCondition } : {}),
    ...(decided.changes ? { changes: decided.changes } : {}),
  };
}

/**
 * A changed claim: FAIL when the change is the rehearsal's (an id it could touch, or any change
 * when no attribution was given), INCONCLUSIVE when it cannot be pinned on it.
 */
function attribute(
  changes: readonly BucketChange[],
  condition: FailOpenCondition,
  what: string,
  attributable: ((id: bigint) => boolean) | undefined,
  limit: number,
): Decided {
  const listed = listChanges(changes, limit);
  const where = describeChanges(listed);
  if (!attributable)
    return {
      holds: false,
      failCondition: condition,
      detail: `${what} changed${where}; no attribution was given, so every change in the window counts against the rehearsal`,
      changes: listed,
    };
  if (changes.length === 0)
    return {
      holds: null,
      detail: `${what} changed with no registry id to attribute it by: cannot tell the rehearsal from live traffic`,
      changes: listed,
    };
  const ours = changes.some((change) =>
    change.id !== null ? attributable(change.id) : everyId(change.from, change.to, attributable),
  );
  if (ours)
    return {
      holds: false,
      failCondition: condition,
      detail: `${what} changed on rows the rehearsal could touch${where}`,
      changes: listed,
    };
  return {
    holds: null,
    detail: `${what} changed${where}, outside the rows the rehearsal could touch: unattributable (live traffic?)`,
    changes: listed,
  };
}

function everyId(from: bigint, to: bigint, attributable: (id: bigint) => boolean): boolean {
  for (let id = from; id <= to; id += 1n) if (!attributable(id)) return false;
  return true;
}

function listChanges(changes: readonly BucketChange[], limit: number): ClaimChanges {
  const ids = changes.flatMap((change) => (change.id === null ? [] : [change.id.toString()]));
  const ranges: { from: string; to: string }[] = [];
  let open: { from: bigint; to: bigint } | undefined;
  for (const change of changes) {
    if (change.id !== null) continue;
    if (open && open.to + 1n === change.from) open.to = change.to;
    else {
      if (open) ranges.push({ from: open.from.toString(), to: open.to.toString() });
      open = { from: change.from, to: change.to };
    }
  }
  if (open) ranges.push({ from: open.from.toString(), to: open.to.toString() });
  return { ids: ids.slice(0, limit), moreIds: Math.max(0, ids.length - limit), ranges };
}

function describeChanges(changes: ClaimChanges): string {
  const parts: string[] = [];
  if (changes.ids.length > 0)
    parts.push(`id ${changes.ids.join(', ')}${changes.moreIds > 0 ? ` and ${changes.moreIds} more` : ''}`);
  if (changes.ranges.length > 0)
    parts.push(
      `several rows within id range ${changes.ranges.map((range) => `${range.from}…${range.to}`).join(', ')}`,
    );
  return parts.length > 0 ? ` at ${parts.join('; ')}` : '';
}

function refuseMismatchedPair(before: ProductionSnapshot, after: ProductionSnapshot): void {
  const issues: ValidationIssue[] = [];
  const check = (field: string, a: unknown, b: unknown) => {
    if (a !== b)
      issues.push({
        field: `after.${field}`,
        rule: 'same_as_before',
        message: `is ${String(b)} but the before snapshot has ${String(a)}: the two cannot be compared`,
      });
  };
  check('version', before.version, after.version);
  check('table', before.table, after.table);
  check('database', before.database, after.database);
  check('buckets.size', before.buckets.size, after.buckets.size);
  check('salt', before.salt, after.salt);
  if (before.snapshotId === after.snapshotId)
    issues.push({
      field: 'after.snapshotId',
      rule: 'distinct',
      message: 'is the before snapshot itself: a snapshot compared with itself proves nothing',
    });
  if (after.takenAt.getTime() <= before.takenAt.getTime())
    issues.push({
      field: 'after.takenAt',
      rule: 'after_before',
      message: 'is not later than the before snapshot',
    });
  if (
    after.since !== null &&
    (after.since.snapshotId !== before.snapshotId ||
      after.since.transactionSnapshot !== before.transactionSnapshot)
  )
    issues.push({
      field: 'after.since',
      rule: 'since_before',
      message: `was taken since snapshot ${after.since.snapshotId}, not since this before snapshot (${before.snapshotId})`,
    });
  if (issues.length > 0) throw new ValidationError('snapshot pair', issues);
}

function same(a: Figures, b: Figures): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function stampFigures(s: SnapshotFigures): Figures {
  return {
    'inspect_pen.count': s.stampCounts.pen,
    'inspect_pen.checksum': s.stampChecksums.pen,
    'inspect_stamp.count': s.stampCounts.stamp,
    'inspect_stamp.checksum': s.stampChecksums.stamp,
    'inspect_gate.count': s.stampCounts.gate,
    'inspect_gate.checksum': s.stampChecksums.gate,
  };
}

function certifiedFigures(s: SnapshotFigures): Figures {
  return {
    'certified.count': s.certifiedCount,
    'certified_at.count': s.certifiedAtCount,
    'certified.checksum': s.certifiedChecksum,
  };
}

function canonicalFigures(s: SnapshotFigures): Figures {
  return { 'canonical.checksum': s.canonicalChecksum };
}

function identityFigures(s: SnapshotFigures): Figures {
  return { rows: s.rowCount, max_id: s.maxId, 'identity.checksum': s.identityChecksum };
}

/** Row counts of every KG table either snapshot names (null: absent); or how many were configured. */
function kgFigures(s: SnapshotFigures, other: SnapshotFigures): Figures {
  const names = [...new Set([...Object.keys(s.kgTableCounts), ...Object.keys(other.kgTableCounts)])].sort();
  if (names.length === 0) return { 'kg_tables.configured': 0 };
  return Object.fromEntries(names.map((name) => [`${name}.rows`, s.kgTableCounts[name] ?? null]));
}

function kgDetail(s: SnapshotFigures): string {
  const names = Object.keys(s.kgTableCounts);
  if (names.length === 0) return 'no knowledge-graph table configured';
  const absent = names.filter((name) => s.kgTableCounts[name] === null);
  return `knowledge-graph table counts identical${absent.length > 0 ? ` (absent on both sides: ${absent.join(', ')})` : ''}`;
}

function counterFigures(s: SnapshotFigures): Figures {
  const figures: Figures = {};
  for (const [name, counters] of Object.entries(s.writeCounters.tables)) {
    figures[`${name}.n_tup_ins`] = counters?.inserted ?? null;
    figures[`${name}.n_tup_upd`] = counters?.updated ?? null;
    figures[`${name}.n_tup_del`] = counters?.deleted ?? null;
  }
  figures.xact_commit = s.writeCounters.xactCommit;
  return figures;
}

/** Write counters that moved between the snapshots: a secondary figure only (xact_commit moves with any commit, snapshots included: not judged). */
function movedCounters(before: SnapshotFigures, after: SnapshotFigures): string[] {
  const a = counterFigures(before);
  const b = counterFigures(after);
  return Object.keys(a)
    .filter((key) => key !== 'xact_commit' && a[key] !== b[key])
    .map((key) => `${key} ${a[key]} → ${b[key]}`);
}
