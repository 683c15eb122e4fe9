/**
 * PostgreSQL's binary COPY format for the feedback store. Sending vectors as text costs a float
 * formatted in JavaScript and parsed again in the database for every component: measured on PGlite,
 * 1.05 ms of CPU per 512-d row for the text COPY against 0.04 ms for the binary one, which would make
 * the database, not the model, the bottleneck of ingestion.
 *
 * Format: https://www.postgresql.org/docs/current/sql-copy.html (binary format); pgvector's `vector`
 * binary form is int16 dimensions, int16 unused, then float4 big-endian components.
 */

/** The type of one column of a binary COPY, and so how its values are encoded. */
export type BinaryColumnType = 'text' | 'int2' | 'int4' | 'float4' | 'timestamptz' | 'vector';

// Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01 UTC).
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];

/** Values of a row, in column order; null or undefined is SQL NULL. */
export type BinaryRow = readonly (string | number | Date | Float32Array | null | undefined)[];

/**
 * Encodes rows as a binary COPY file (header, tuples, trailer) for `COPY t (…) FROM … (FORMAT binary)`.
 *
 * @example
 * const data = encodeBinaryCopy(['text', 'vector'], [['fb-1', vector]]);
 * await app.copyFrom?.("COPY t (id, embedding) FROM '/dev/blob' WITH (FORMAT binary)", data);
 */
export function encodeBinaryCopy(types: readonly BinaryColumnType[], rows: readonly BinaryRow[]): Uint8Array {
  const encoder = new TextEncoder();
  const encodedText: (Uint8Array | undefined)[][] = [];
  let size = SIGNATURE.length + 8 + 2;
  for (const row of rows) {
    if (row.length !== types.length) {
      throw new RangeError(`A COPY row has ${row.length} values for ${types.length} columns`);
    }
    size += 2;
    const texts: (Uint8Array | undefined)[] = [];
    types.forEach((type, column) => {
      const value = row[column];
      size += 4;
      if (value === null || value === undefined) return;
      switch (type) {
        case 'text': {
          const bytes = encoder.encode(String(value));
          texts[column] = bytes;
          size += bytes.length;
          break;
        }
        case 'int2':
          size += 2;
          break;
        case 'int4':
        case 'float4':
          size += 4;
          break;
        case 'timestamptz':
          size += 8;
          break;
        case 'vector':
          size += 4 + 4 * (value as Float32Array).length;
          break;
      }
    });
    encodedText.push(texts);
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(SIGNATURE, 0);
  let offset = SIGNATURE.length + 8; // flags and header extension length, both zero
  rows.forEach((row, rowIndex) => {
    view.setInt16(offset, types.length);
    offset += 2;
    types.forEach((type, column) => {
      const value = row[column];
      if (value === null || value === undefined) {
        view.setInt32(offset, -1);
        offset += 4;
        return;
      }
      switch (type) {
        case 'text': {
          const text = encodedText[rowIndex]![column]!;
          view.setInt32(offset, text.length);
          bytes.set(text, offset + 4);
          offset += 4 + text.length;
          break;
        }
        case 'int2':
          view.setInt32(offset, 2);
          view.setInt16(offset + 4, Number(value));
          offset += 6;
          break;
        case 'int4':
          view.setInt32(offset, 4);
          view.setInt32(offset + 4, Number(value));
          offset += 8;
          break;
        case 'float4':
          view.setInt32(offset, 4);
          view.setFloat32(offset + 4, Number(value));
          offset += 8;
          break;
        case 'timestamptz': {
          const milliseconds = value instanceof Date ? value.getTime() : Number(value);
          view.setInt32(offset, 8);
          view.setBigInt64(offset + 4, BigInt(Math.round(milliseconds - POSTGRES_EPOCH_MS)) * 1000n);
          offset += 12;
          break;
        }
        case 'vector': {
          const vector = value as Float32Array;
          view.setInt32(offset, 4 + 4 * vector.length);
          view.setInt16(offset + 4, vector.length);
          view.setInt16(offset + 6, 0);
          offset += 8;
          for (let index = 0; index < vector.length; index++, offset += 4)
            view.setFloat32(offset, vector[index]!);
          break;
        }
      }
    });
  });
  view.setInt16(offset, -1);
  return bytes;
}
