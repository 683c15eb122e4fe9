import type { SqlConnection } from '../warehouse/connection.js';
import { deserializeLsaModel, type LsaModel, lsaModelHash, serializeLsaModel } from './lsa-embedder.js';

/** What {@link saveLsaModel} stored. */
export interface SavedEmbeddingModel {
  readonly name: string;
  /** The embedder id the model produces (`lsa:<hash>`). */
  readonly modelId: string;
  readonly bytes: number;
}

/**
 * Stores a fitted LSA model in `app.embedding_models` under `name`, replacing any model of that name.
 * The app database is the one place every process of the bot shares, so the router and the feedback
 * store embed with the same fitted model.
 *
 * @example
 * await saveLsaModel(stores.app, 'feedback', fitLsaModel(texts));
 */
export async function saveLsaModel(
  app: SqlConnection,
  name: string,
  model: LsaModel,
): Promise<SavedEmbeddingModel> {
  const bytes = serializeLsaModel(model);
  const modelId = `lsa:${lsaModelHash(model)}`;
  // Sent as base64 text and decoded by the database: PGlite turns a bytea parameter into hex one byte
  // at a time (3 s for 4 MB), while decode() takes a quarter of a second. Works the same on PostgreSQL.
  const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  await app.query(
    `INSERT INTO app.embedding_models (name, kind, model_id, dimensions, document_count, model, created_at)
     VALUES ($1, 'lsa', $2, $3, $4, decode($5, 'base64'), now())
     ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, model_id = EXCLUDED.model_id,
       dimensions = EXCLUDED.dimensions, document_count = EXCLUDED.document_count,
       model = EXCLUDED.model, created_at = EXCLUDED.created_at`,
    [name, modelId, model.dimensions, model.documentCount, payload],
  );
  return { name, modelId, bytes: bytes.byteLength };
}

/**
 * Reads the LSA model stored under `name`; undefined when there is none.
 *
 * @throws EmbeddingModelInvalidError when the stored bytes are not a readable model.
 */
export async function loadLsaModel(app: SqlConnection, name: string): Promise<LsaModel | undefined> {
  // base64 text again, for the same reason as in saveLsaModel (reading bytea is slow in PGlite too).
  const { rows } = await app.query<{ kind: string; model: string }>(
    "SELECT kind, encode(model, 'base64') AS model FROM app.embedding_models WHERE name = $1",
    [name],
  );
  const row = rows[0];
  if (row?.kind !== 'lsa') return undefined;
  return deserializeLsaModel(Buffer.from(row.model, 'base64'), `'${name}' in app.embedding_models`);
}
