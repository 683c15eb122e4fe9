/**
 * Versioned, idempotent schema migrations. The warehouse (demo tables, rollups, ground truth) and the
 * app's own state (conversations, alerts, audit log, feedback vectors) are migrated separately because
 * they may live in different databases; by default both are the same embedded store.
 *
 * Append new migrations at the end of a list; never edit one that has shipped.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /**
   * A PostgreSQL extension the migration needs (e.g. 'vector'). Where the server does not offer it,
   * the migration is skipped (and retried on a later start), so the rest of the bot still works.
   */
  readonly requiresExtension?: string;
}

/** Warehouse tables, named as in DESIGN.md. Ground truth lives in its own schema that no tool reads. */
export const WAREHOUSE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'demo-warehouse-tables',
    sql: `
CREATE TABLE IF NOT EXISTS users (
  user_id integer PRIMARY KEY,
  email text NOT NULL,
  phone text,
  full_name text NOT NULL,
  address text,
  country char(2) NOT NULL,
  kyc_level smallint NOT NULL,
  vip_tier smallint NOT NULL,
  platform text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS users_created_at ON users (created_at);

CREATE TABLE IF NOT EXISTS kyc_reviews (
  review_id integer PRIMARY KEY,
  user_id integer NOT NULL,
  kyc_level smallint NOT NULL,
  status text NOT NULL,
  submitted_at timestamptz NOT NULL,
  decided_at timestamptz,
  reject_reason text
);
CREATE INDEX IF NOT EXISTS kyc_reviews_decided_at ON kyc_reviews (decided_at);
CREATE INDEX IF NOT EXISTS kyc_reviews_submitted_at ON kyc_reviews (submitted_at);

CREATE TABLE IF NOT EXISTS assets (
  symbol text PRIMARY KEY,
  name text NOT NULL,
  category text NOT NULL,
  chains text NOT NULL,
  price_usd double precision NOT NULL,
  is_stablecoin boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS products (
  product_id text PRIMARY KEY,
  name text NOT NULL,
  product text NOT NULL,
  asset text,
  description text NOT NULL
);

CREATE TABLE IF NOT EXISTS trades (
  trade_id bigint PRIMARY KEY,
  user_id integer NOT NULL,
  market text NOT NULL,
  asset text NOT NULL,
  quote_asset text NOT NULL,
  product text NOT NULL,
  side text NOT NULL,
  price double precision NOT NULL,
  quantity double precision NOT NULL,
  notional_usd double precision NOT NULL,
  fee_usd double precision NOT NULL,
  platform text NOT NULL,
  executed_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS trades_executed_at ON trades (executed_at);
CREATE INDEX IF NOT EXISTS trades_user_id ON trades (user_id, executed_at);

CREATE TABLE IF NOT EXISTS deposits (
  deposit_id bigint PRIMARY KEY,
  user_id integer NOT NULL,
  asset text NOT NULL,
  chain text NOT NULL,
  amount double precision NOT NULL,
  amount_usd double precision NOT NULL,
  from_address text,
  to_address text,
  tx_hash text,
  platform text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS deposits_created_at ON deposits (created_at);
CREATE INDEX IF NOT EXISTS deposits_user_id ON deposits (user_id, created_at);

CREATE TABLE IF NOT EXISTS withdrawals (
  withdrawal_id bigint PRIMARY KEY,
  user_id integer NOT NULL,
  asset text NOT NULL,
  chain text NOT NULL,
  amount double precision NOT NULL,
  amount_usd double precision NOT NULL,
  to_address text,
  tx_hash text,
  platform text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS withdrawals_created_at ON withdrawals (created_at);
CREATE INDEX IF NOT EXISTS withdrawals_user_id ON withdrawals (user_id, created_at);

CREATE TABLE IF NOT EXISTS logins (
  login_id bigint PRIMARY KEY,
  user_id integer NOT NULL,
  ip text NOT NULL,
  device_id text NOT NULL,
  country char(2) NOT NULL,
  platform text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS logins_user_id ON logins (user_id, created_at);
CREATE INDEX IF NOT EXISTS logins_device_id ON logins (device_id);

CREATE TABLE IF NOT EXISTS address_labels (
  address text NOT NULL,
  chain text NOT NULL,
  label text NOT NULL,
  name text,
  source text NOT NULL,
  PRIMARY KEY (chain, address)
);

CREATE TABLE IF NOT EXISTS chain_transfers (
  transfer_id bigint PRIMARY KEY,
  chain text NOT NULL,
  tx_hash text NOT NULL,
  from_address text NOT NULL,
  to_address text NOT NULL,
  asset text NOT NULL,
  amount double precision NOT NULL,
  amount_usd double precision NOT NULL,
  block_time timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS chain_transfers_from ON chain_transfers (from_address);
CREATE INDEX IF NOT EXISTS chain_transfers_to ON chain_transfers (to_address);

CREATE TABLE IF NOT EXISTS user_events (
  event_id bigint PRIMARY KEY,
  user_id integer NOT NULL,
  item_id text NOT NULL,
  item_type text NOT NULL,
  event_type text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS user_events_user_id ON user_events (user_id);

CREATE TABLE IF NOT EXISTS feedback (
  feedback_id text PRIMARY KEY,
  user_id integer,
  channel text NOT NULL,
  platform text NOT NULL,
  text text NOT NULL,
  rating smallint,
  sentiment text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_created_at ON feedback (created_at);

CREATE TABLE IF NOT EXISTS aml_alerts (
  alert_id bigint PRIMARY KEY,
  user_id integer NOT NULL,
  scenario text NOT NULL,
  score double precision NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS aml_alerts_created_at ON aml_alerts (created_at);

CREATE SCHEMA IF NOT EXISTS ground_truth;
CREATE TABLE IF NOT EXISTS ground_truth.aml_cases (
  user_id integer NOT NULL,
  scenario text NOT NULL,
  planted_at timestamptz NOT NULL,
  details text NOT NULL,
  PRIMARY KEY (scenario, user_id)
);
CREATE TABLE IF NOT EXISTS ground_truth.outliers (
  user_id integer PRIMARY KEY,
  kind text NOT NULL
);
CREATE TABLE IF NOT EXISTS ground_truth.feedback_spike (
  intent text NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  extra_messages integer NOT NULL
);
-- Look-alikes of each AML scenario that a precise rule must NOT flag (see warehouse/demo/aml-scenarios.ts).
CREATE TABLE IF NOT EXISTS ground_truth.aml_near_misses (
  user_id integer NOT NULL,
  scenario text NOT NULL,
  kind text NOT NULL,
  details text NOT NULL,
  PRIMARY KEY (scenario, user_id)
);
-- The Banking77 intent of every feedback row (topic quality is measured against it).
CREATE TABLE IF NOT EXISTS ground_truth.feedback_labels (
  feedback_id text PRIMARY KEY,
  intent text NOT NULL
);

CREATE TABLE IF NOT EXISTS demo_metadata (
  key text PRIMARY KEY,
  value text NOT NULL
);
`,
  },
];

/** The app's own state. Vectors and later tables are added by their own migrations. */
export const APP_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit-and-conversations',
    sql: `
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS app.audit_log (
  audit_id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  request_id text NOT NULL,
  actor text NOT NULL,
  surface text NOT NULL,
  kind text NOT NULL,
  question text,
  tool text,
  args jsonb,
  sql text,
  row_count integer,
  duration_ms double precision,
  masked boolean,
  allowed boolean NOT NULL DEFAULT true,
  error text
);
CREATE INDEX IF NOT EXISTS audit_log_at ON app.audit_log (at);
-- Append-only: updates and deletes are refused by the database itself, not only by our code.
CREATE OR REPLACE FUNCTION app.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'app.audit_log is append-only';
END $$;
DROP TRIGGER IF EXISTS audit_log_no_change ON app.audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON app.audit_log
  FOR EACH ROW EXECUTE FUNCTION app.audit_log_append_only();

CREATE TABLE IF NOT EXISTS app.conversations (
  conversation_id text PRIMARY KEY,
  surface text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS app.conversation_turns (
  turn_id bigserial PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES app.conversations (conversation_id),
  role text NOT NULL,
  content text NOT NULL,
  route jsonb,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS conversation_turns_conversation ON app.conversation_turns (conversation_id, turn_id);
`,
  },
  {
    version: 2,
    name: 'embedding-models',
    // Fitted embedding models that have no files of their own (the LSA fallback), by name; see
    // embeddings/lsa-store.ts. model_id is the embedder id vectors are stored under.
    sql: `
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS app.embedding_models (
  name text PRIMARY KEY,
  kind text NOT NULL,
  model_id text NOT NULL,
  dimensions integer NOT NULL,
  document_count integer NOT NULL,
  model bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 3,
    name: 'recommendations',
    // Precomputed recommendations (models/recommend/refresh.ts), replaced in bulk by each refresh and
    // read by the recommend_for_user and similar_items tools. Runs are kept as a history. The weights
    // of an item-item model let the tools fold in users newer than the refresh without retraining.
    sql: `
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS app.recommendation_runs (
  run_id bigserial PRIMARY KEY,
  model text NOT NULL,
  parameters jsonb NOT NULL,
  status text NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  users integer,
  items integer,
  interactions integer,
  depth integer NOT NULL,
  train_seconds double precision,
  weights_transform text,
  error text
);
CREATE TABLE IF NOT EXISTS app.recommendation_items (
  item_id text PRIMARY KEY,
  item_type text NOT NULL,
  label text NOT NULL,
  name text NOT NULL,
  users integer NOT NULL,
  run_id bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS app.recommendations (
  user_id integer NOT NULL,
  rank smallint NOT NULL,
  item_id text NOT NULL,
  score real NOT NULL,
  reason text NOT NULL,
  run_id bigint NOT NULL,
  PRIMARY KEY (user_id, rank)
);
CREATE TABLE IF NOT EXISTS app.similar_items (
  item_id text NOT NULL,
  rank smallint NOT NULL,
  other_item_id text NOT NULL,
  score real NOT NULL,
  co_users integer NOT NULL,
  run_id bigint NOT NULL,
  PRIMARY KEY (item_id, rank)
);
CREATE TABLE IF NOT EXISTS app.recommendation_weights (
  item_id text NOT NULL,
  other_item_id text NOT NULL,
  weight real NOT NULL,
  run_id bigint NOT NULL,
  PRIMARY KEY (item_id, other_item_id)
);
CREATE TABLE IF NOT EXISTS app.popular_items (
  segment text NOT NULL,
  rank smallint NOT NULL,
  item_id text NOT NULL,
  users integer NOT NULL,
  run_id bigint NOT NULL,
  PRIMARY KEY (segment, rank)
);
`,
  },
  {
    version: 4,
    name: 'feedback-documents',
    requiresExtension: 'vector',
    // Customer feedback as searchable documents (embeddings/store.ts): display text with PII masked,
    // the original only when configured, a full-text vector, and an embedding whose dimension the store
    // sets from the embedder on first use (ALTER … TYPE vector(N)), with its HNSW index built by the
    // store after bulk loads. feedback_ingest_runs records each file's progress for resuming;
    // feedback_models holds small fitted models (sentiment, topics) as JSON.
    sql: `
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS app.feedback_documents (
  id text PRIMARY KEY,
  content_hash text NOT NULL,
  text text NOT NULL,
  original_text text,
  channel text,
  rating smallint,
  created_at timestamptz,
  sentiment text NOT NULL,
  sentiment_score real NOT NULL,
  source text NOT NULL,
  source_line integer,
  model_id text NOT NULL,
  embedding vector,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
  ingested_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS feedback_documents_tsv ON app.feedback_documents USING gin (tsv);
CREATE INDEX IF NOT EXISTS feedback_documents_created_at ON app.feedback_documents (created_at);
CREATE TABLE IF NOT EXISTS app.feedback_ingest_runs (
  run_id bigserial PRIMARY KEY,
  source text NOT NULL,
  source_key text NOT NULL,
  status text NOT NULL,
  lines_done integer NOT NULL DEFAULT 0,
  added integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS feedback_ingest_runs_source_key ON app.feedback_ingest_runs (source_key, run_id);
CREATE TABLE IF NOT EXISTS app.feedback_models (
  name text PRIMARY KEY,
  kind text NOT NULL,
  model_id text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 5,
    name: 'chat-surfaces',
    // Slack and Discord state (bot/dedup-store.ts, bot/answer-store.ts). surface_dedup: every event id,
    // action id and interaction id the surfaces received, so a retried delivery is answered once; a claim
    // holds a lease, so work whose process died can be taken over by a later retry, and keys expire after
    // a TTL. surface_answers: what the "Show SQL", "Download CSV" and "Explain" buttons need, by answer id.
    sql: `
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS app.surface_dedup (
  dedup_key text PRIMARY KEY,
  state text NOT NULL,
  attempts integer NOT NULL DEFAULT 1,
  lease_until timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS surface_dedup_expires_at ON app.surface_dedup (expires_at);
CREATE TABLE IF NOT EXISTS app.surface_answers (
  answer_id text PRIMARY KEY,
  surface text NOT NULL,
  conversation_id text,
  asker_id text NOT NULL,
  asker_role text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS surface_answers_expires_at ON app.surface_answers (expires_at);
`,
  },
  {
    version: 6,
    name: 'alert-notifications-and-outbox',
    // Proactive alerts (bot/alerts). alert_instances: one row per alert fingerprint (dedup key), its
    // state (open, acked, snoozed, resolved, closed), assignee and closing outcome (kept as a label a
    // risk model can learn from); named apart from app.alerts, which holds raw AML scan hits.
    // alert_events: every state change with who and when. outbox: messages to deliver, claimed with
    // FOR UPDATE SKIP LOCKED and a lease, the returned message id stored for updates and reconciliation.
    // scheduler_leases: one leader per lease name, its epoch used as a fencing token.
    sql: `
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS app.alert_instances (
  fingerprint text PRIMARY KEY,
  rule_id text NOT NULL,
  group_key text NOT NULL,
  title text NOT NULL,
  details jsonb NOT NULL,
  severity text NOT NULL,
  status text NOT NULL,
  active boolean NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  last_notified_at timestamptz,
  notify_count integer NOT NULL DEFAULT 0,
  snoozed_until timestamptz,
  assignee text,
  outcome text,
  outcome_comment text,
  resolved_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_instances_rule ON app.alert_instances (rule_id, active);
CREATE TABLE IF NOT EXISTS app.alert_events (
  event_id bigserial PRIMARY KEY,
  fingerprint text NOT NULL,
  kind text NOT NULL,
  actor text NOT NULL,
  at timestamptz NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS alert_events_fingerprint ON app.alert_events (fingerprint, event_id);
CREATE TABLE IF NOT EXISTS app.outbox (
  outbox_id bigserial PRIMARY KEY,
  deliverer text NOT NULL,
  channel text NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  fingerprints text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  available_at timestamptz NOT NULL,
  lease_owner text,
  lease_until timestamptz,
  message_id text,
  last_error text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_pending ON app.outbox (status, available_at, outbox_id);
CREATE TABLE IF NOT EXISTS app.scheduler_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  epoch bigint NOT NULL,
  lease_until timestamptz NOT NULL
);
`,
  },
  {
    version: 7,
    name: 'aml-alerts',
    // AML scan hits (models/risk/alert-store.ts), one row per fingerprint: the same pattern found again
    // by a later scan updates its row (last_seen, score, evidence) instead of adding one. status is
    // open / acked / resolved; every change of it is kept in aml_alert_events (app.alert_events belongs
    // to the proactive-alert notifications of bot/alerts).
    sql: `
CREATE SCHEMA IF NOT EXISTS app;
CREATE TABLE IF NOT EXISTS app.alerts (
  alert_id bigserial PRIMARY KEY,
  fingerprint text NOT NULL UNIQUE,
  kind text NOT NULL,
  scenario text NOT NULL,
  subject text NOT NULL,
  user_id integer,
  score double precision NOT NULL,
  title text NOT NULL,
  rule text NOT NULL,
  evidence jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acked', 'resolved')),
  thresholds_version integer NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  occurrences integer NOT NULL DEFAULT 1,
  status_changed_at timestamptz,
  status_changed_by text
);
CREATE INDEX IF NOT EXISTS alerts_status_last_seen ON app.alerts (status, last_seen);
CREATE INDEX IF NOT EXISTS alerts_first_seen ON app.alerts (first_seen);
CREATE INDEX IF NOT EXISTS alerts_user_id ON app.alerts (user_id);
CREATE TABLE IF NOT EXISTS app.aml_alert_events (
  event_id bigserial PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES app.alerts (alert_id),
  event text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  note text,
  at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS aml_alert_events_alert ON app.aml_alert_events (alert_id, event_id);
`,
  },
];
