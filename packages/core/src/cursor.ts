import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './errors';

/**
 * A keyset position: the last row's `created_at` as exact text with microseconds, in UTC
 * (`2024-05-01T10:00:00.123456Z`), and its id. A JavaScript Date holds milliseconds only, so the
 * implementations read this text from the database rather than formatting a Date.
 */
export interface KeysetPosition {
  createdAt: string;
  id: number;
}

/**
 * The to_char() format that yields `KeysetPosition.createdAt` from a timestamptz at time zone 'UTC':
 * `to_char(created_at AT TIME ZONE 'UTC', CURSOR_TIMESTAMP_FORMAT)`.
 */
export const CURSOR_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const VERSION = 'v1';

// Cursors are signed so a client cannot forge a position; set DAL_CURSOR_SECRET to keep them valid across
// processes (apps/api behind a load balancer), otherwise a random per-process key is used.
const secret = process.env.DAL_CURSOR_SECRET ? Buffer.from(process.env.DAL_CURSOR_SECRET) : randomBytes(32);

function sign(payload: string): Buffer {
  return createHmac('sha256', secret).update(`${VERSION}.${payload}`).digest().subarray(0, 16);
}

/** Encodes a position as an opaque, signed, URL-safe string. */
export function encodeCursor(position: KeysetPosition): string {
  if (!TIMESTAMP.test(position.createdAt) || !Number.isSafeInteger(position.id) || position.id < 1) {
    throw new TypeError(`not a keyset position: ${JSON.stringify(position)}`);
  }
  const payload = Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
  return `${VERSION}.${payload}.${sign(payload).toString('base64url')}`;
}

/** Decodes a cursor made by encodeCursor; throws InvalidCursorError when it is malformed or tampered with. */
export function decodeCursor(cursor: string): KeysetPosition {
  const parts = cursor.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) throw new InvalidCursorError('malformed cursor');
  const [, payload = '', mac = ''] = parts;
  const expected = Buffer.from(sign(payload).toString('base64url'));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidCursorError('cursor signature does not match (tampered or from another deployment)');
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('malformed cursor');
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== 'string' ||
    !TIMESTAMP.test(decoded[0]) ||
    !Number.isSafeInteger(decoded[1]) ||
    decoded[1] < 1
  ) {
    throw new InvalidCursorError('malformed cursor');
  }
  return { createdAt: decoded[0], id: decoded[1] };
}
