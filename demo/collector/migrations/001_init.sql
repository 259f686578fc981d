-- Hearth collector schema, version 1. The same SQL runs on PGlite and on
-- PostgreSQL 15. Only accepted reports reach these tables: rejected ones are
-- logged and counted in memory, never stored.

-- One row per accepted report: the primary key is what makes ingestion
-- idempotent (a replayed id inserts nothing). No payload is kept here; what a
-- report says is folded into `cells` in the same statement.
CREATE TABLE reports (
  id          text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
  period      date NOT NULL,
  type        text NOT NULL,
  epsilon     double precision NOT NULL CHECK (epsilon >= 0),
  sdk         text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_by_period ON reports (period, type);

-- Running sums per period and cell of the noised values the reports carry
-- (cell names are per report type, see aggregate.mjs). `reports` counts the
-- distinct reports behind the cell: the k-threshold reads it.
CREATE TABLE cells (
  period   date NOT NULL,
  type     text NOT NULL,
  cell     text NOT NULL,
  total    double precision NOT NULL,
  total_sq double precision NOT NULL,
  reports  bigint NOT NULL,
  PRIMARY KEY (period, type, cell)
);

-- Privacy budget spent per sync: each accepted POST adds one to the bucket of
-- the epsilon its new reports spent for a period (in thousandths). A device
-- syncs a period's reports together, so this approximates the distribution
-- of epsilon per device per day without linking any two reports.
CREATE TABLE budget (
  period      date NOT NULL,
  spent_milli integer NOT NULL CHECK (spent_milli >= 0),
  batches     bigint NOT NULL,
  PRIMARY KEY (period, spent_milli)
);
