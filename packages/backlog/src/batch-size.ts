/**
 * The next batch size: aimed at `targetMs` per batch from the last one's pace, moving at most by
 * half or double per step, within [min, max]. A batch that took fewer rows than asked (the end of a
 * slice) says nothing about pace, so the size stays.
 */
export function nextBatchSize(
  last: { size: number; taken: number; elapsedMs: number },
  bounds: { min: number; max: number; targetMs: number },
): number {
  if (last.taken < last.size || last.elapsedMs <= 0) return clamp(last.size, bounds);
  const aimed = Math.round((last.size * bounds.targetMs) / last.elapsedMs);
  return clamp(Math.min(last.size * 2, Math.max(Math.floor(last.size / 2), aimed)), bounds);
}

function clamp(size: number, bounds: { min: number; max: number }): number {
  return Math.max(bounds.min, Math.min(bounds.max, size));
}
