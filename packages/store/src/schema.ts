/**
 * The results database schema, as versioned migrations: migration i brings `PRAGMA
 * user_version` from i to i+1. Never edit a released migration; add the next one.
 * Every table and column is documented in docs/results-db.md.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE comparisons (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT,
    config      TEXT NOT NULL,
    created_at  TEXT NOT NULL
  );

  CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    comparison_id  INTEGER REFERENCES comparisons(id) ON DELETE CASCADE,
    schedule       TEXT NOT NULL,
    model          TEXT NOT NULL,
    dataset        TEXT NOT NULL,
    optimizer      TEXT NOT NULL,
    config         TEXT NOT NULL,
    seed           INTEGER NOT NULL,
    batch_size     INTEGER NOT NULL,
    epochs_planned INTEGER NOT NULL,
    workers        INTEGER NOT NULL,
    devices        INTEGER NOT NULL,
    parameters     INTEGER,
    lrsim_version  TEXT NOT NULL,
    host           TEXT NOT NULL,
    pid            INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'completed', 'diverged', 'failed', 'interrupted')),
    error          TEXT,
    started_at     TEXT NOT NULL,
    ended_at       TEXT,
    heartbeat_at   TEXT NOT NULL
  );
  CREATE INDEX runs_by_comparison ON runs (comparison_id);
  CREATE INDEX runs_by_status ON runs (status);

  CREATE TABLE steps (
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step        INTEGER NOT NULL,
    epoch       REAL NOT NULL,
    samples     INTEGER NOT NULL,
    lr          REAL NOT NULL,
    batch_size  INTEGER NOT NULL,
    momentum    REAL,
    train_loss  REAL,
    accuracy    REAL,
    wall_ms     REAL NOT NULL,
    PRIMARY KEY (run_id, step)
  ) WITHOUT ROWID;

  CREATE TABLE evaluations (
    run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch           REAL NOT NULL,
    updates         INTEGER NOT NULL,
    samples         INTEGER NOT NULL,
    lr              REAL NOT NULL,
    batch_size      INTEGER NOT NULL,
    momentum        REAL,
    train_loss      REAL,
    train_accuracy  REAL,
    test_loss       REAL,
    test_accuracy   REAL,
    noise_scale     REAL,
    cluster_ms      REAL NOT NULL,
    wall_ms         REAL NOT NULL,
    PRIMARY KEY (run_id, updates)
  ) WITHOUT ROWID;

  CREATE TABLE run_summaries (
    run_id               INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    updates              INTEGER NOT NULL,
    samples              INTEGER NOT NULL,
    epochs               REAL NOT NULL,
    final_train_loss     REAL,
    final_test_loss      REAL,
    final_test_accuracy  REAL,
    best_test_loss       REAL,
    best_test_accuracy   REAL,
    wall_ms              REAL NOT NULL,
    cluster_ms           REAL NOT NULL
  );

  CREATE TABLE range_tests (
    id             INTEGER PRIMARY KEY,
    uid            TEXT NOT NULL UNIQUE,
    model          TEXT NOT NULL,
    dataset        TEXT NOT NULL,
    optimizer      TEXT NOT NULL,
    config         TEXT NOT NULL,
    suggested_lr   REAL,
    suggestions    TEXT,
    created_at     TEXT NOT NULL
  );

  CREATE TABLE range_test_points (
    range_test_id  INTEGER NOT NULL REFERENCES range_tests(id) ON DELETE CASCADE,
    trial          INTEGER NOT NULL,
    iteration      INTEGER NOT NULL,
    lr             REAL NOT NULL,
    loss           REAL,
    smoothed_loss  REAL,
    PRIMARY KEY (range_test_id, trial, iteration)
  ) WITHOUT ROWID;
  `,
  // 2: sweeps (lrsim sweep) and the identity of each of their runs.
  `
  CREATE TABLE sweeps (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL UNIQUE,
    name        TEXT,
    config      TEXT NOT NULL,
    planned     INTEGER NOT NULL,
    created_at  TEXT NOT NULL
  );

  CREATE TABLE sweep_runs (
    sweep_id     INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    run_key      TEXT NOT NULL,
    point        TEXT NOT NULL,
    seed         INTEGER NOT NULL,
    run_id       INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('completed', 'diverged', 'failed')),
    error        TEXT,
    attempts     INTEGER NOT NULL,
    worker       TEXT,
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (sweep_id, run_key)
  ) WITHOUT ROWID;
  CREATE INDEX sweep_runs_by_run ON sweep_runs (run_id);
  `,
  // 3: what computed each run's model (its last bits depend on it).
  `
  ALTER TABLE runs ADD COLUMN kernel TEXT;
  `,
];

/** The schema version this lrsim writes and reads (`PRAGMA user_version`). */
export const SCHEMA_VERSION = MIGRATIONS.length;
