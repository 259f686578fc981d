// Exactly-once ingestion: a batch of validated reports becomes, in ONE SQL
// statement (so one implicit transaction on both stores), new rows in
// `reports`, added sums in `cells` and one tick in `budget`, for exactly the
// reports whose id was not there before.
//
// Example:
//   const fresh = await ingest(store, [{ id, period: '2026-11-25', type: 'interests',
//     epsilon: 0.5, sdk: '0.1.0', cells: [['shoes', 1], ['tents', 0]] }]);
//   // fresh: Set of the ids that were counted now; the others were already there.
//
// Why one statement: a crash (SIGKILL, power) can only leave all of it or none
// of it, and a concurrent request carrying the same id waits on the unique
// index until this one commits, then finds the id and counts nothing. Cells
// are upserted in (period, type, cell) order so two batches always take row
// locks in the same order (no deadlocks); the store retries the rare
// serialization failure anyway.

const INGEST_SQL = `
WITH incoming AS (
  SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::float8[], $5::text[])
    AS t(id, period, type, epsilon, sdk)
), fresh AS (
  INSERT INTO reports (id, period, type, epsilon, sdk)
  SELECT id, period, type, epsilon, sdk FROM incoming ORDER BY id
  ON CONFLICT (id) DO NOTHING
  RETURNING id, period, epsilon
), contributions AS (
  SELECT c.period, c.type, c.cell, c.value
  FROM unnest($6::text[], $7::date[], $8::text[], $9::text[], $10::float8[])
    AS c(id, period, type, cell, value)
  WHERE c.id IN (SELECT id FROM fresh)
), added AS (
  INSERT INTO cells (period, type, cell, total, total_sq, reports)
  SELECT period, type, cell, sum(value), sum(value * value), count(*)
  FROM contributions
  GROUP BY period, type, cell
  ORDER BY period, type, cell
  ON CONFLICT (period, type, cell) DO UPDATE SET
    total = cells.total + EXCLUDED.total,
    total_sq = cells.total_sq + EXCLUDED.total_sq,
    reports = cells.reports + EXCLUDED.reports
  RETURNING 1
), spent AS (
  INSERT INTO budget (period, spent_milli, batches)
  SELECT period, round(sum(epsilon) * 1000)::integer, 1
  FROM fresh
  GROUP BY period
  ORDER BY period
  ON CONFLICT (period, spent_milli) DO UPDATE SET batches = budget.batches + 1
  RETURNING 1
)
SELECT id FROM fresh`;

/**
 * @typedef {{ id: string, period: string, type: string, epsilon: number, sdk: string,
 *             cells: Array<[string, number]> }} CountedReport
 */

/**
 * Counts each report whose id is new, atomically. Ids must be distinct
 * within `reports` (the HTTP layer answers in-batch repeats as duplicates).
 * @param {import('./store.mjs').Store} store
 * @param {CountedReport[]} reports
 * @returns {Promise<Set<string>>} ids counted by this call
 */
export async function ingest(store, reports) {
  if (reports.length === 0) return new Set();
  const ids = [], periods = [], types = [], eps = [], sdks = [];
  const cId = [], cPeriod = [], cType = [], cCell = [], cValue = [];
  for (const r of reports) {
    ids.push(r.id);
    periods.push(r.period);
    types.push(r.type);
    eps.push(r.epsilon);
    sdks.push(r.sdk);
    for (const [cell, value] of r.cells) {
      cId.push(r.id);
      cPeriod.push(r.period);
      cType.push(r.type);
      cCell.push(cell);
      cValue.push(value);
    }
  }
  const rows = await store.atomic(INGEST_SQL, [ids, periods, types, eps, sdks, cId, cPeriod, cType, cCell, cValue]);
  return new Set(rows.map((r) => r.id));
}
