/**
 * Reading and repairing jobs below BullMQ's parser. BullMQ parses a job's `data` and `opts` with
 * JSON.parse wherever it loads one, so a job corrupted in Redis makes `getFailed` throw (a stack trace
 * from `sweep status`) and, with unparsable `opts`, makes every fetch of the job throw after it was
 * moved to active — where it stays. These helpers use plain Redis commands and never parse what they
 * do not have to.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

function parsesAsObject(text: unknown): boolean {
  try {
    const v = typeof text === 'string' ? JSON.parse(text) : null;
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** The marker `data` of a job whose fields were corrupted: it fails the trial schema, so the job fails for good. */
export const CORRUPT_JOB_DATA = JSON.stringify({ corruptedJob: true });

/**
 * Repair the jobs of `ids` whose `opts` do not parse: opts become `{}` (one attempt) and data the
 * marker above, so the next fetch fails the job with a reason instead of throwing. Returns the ids repaired.
 */
export async function repairCorruptJobs(
  client: Redis,
  queue: Pick<Queue, 'toKey'>,
  ids: readonly string[],
): Promise<string[]> {
  const repaired: string[] = [];
  for (const id of ids) {
    const key = queue.toKey(id);
    const opts = await client.hget(key, 'opts');
    if (opts === null || parsesAsObject(opts)) continue;
    await client.hset(key, 'opts', '{}', 'data', CORRUPT_JOB_DATA);
    repaired.push(id);
  }
  return repaired;
}

/** Repair every job in the queue's wait and active lists (see repairCorruptJobs). */
export async function repairQueue(client: Redis, queue: Pick<Queue, 'toKey'>): Promise<string[]> {
  const ids = [
    ...(await client.lrange(queue.toKey('wait'), 0, -1)),
    ...(await client.lrange(queue.toKey('active'), 0, -1)),
    ...(await client.zrange(queue.toKey('prioritized'), 0, -1)),
  ];
  return repairCorruptJobs(client, queue, ids);
}

export interface RawFailure {
  key: string;
  reason: string;
  attempts: number;
}

/** The most recent failed jobs, read field by field: a null or corrupted job is listed, never thrown on. */
export async function recentFailures(client: Redis, queue: Pick<Queue, 'toKey'>, count: number): Promise<RawFailure[]> {
  if (count <= 0) return [];
  const ids = await client.zrevrange(queue.toKey('failed'), 0, count - 1);
  const out: RawFailure[] = [];
  for (const id of ids) {
    const [data, reason, atm, attemptsMade] = await client.hmget(
      queue.toKey(id),
      'data',
      'failedReason',
      'atm',
      'attemptsMade',
    );
    let key = `(job ${id.slice(0, 64)}: no valid trial)`;
    try {
      const d = JSON.parse(data ?? 'null') as { key?: unknown } | null;
      if (d && typeof d === 'object' && typeof d.key === 'string') key = d.key.slice(0, 128);
    } catch {
      // listed under its job id
    }
    out.push({ key, reason: String(reason ?? ''), attempts: Number(attemptsMade ?? atm) || 0 });
  }
  return out;
}
