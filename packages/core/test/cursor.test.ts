import { describe, expect, test } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../src/index';

const position = { createdAt: '2024-03-01T10:00:00.000500Z', id: 42 };

describe('keyset cursor codec', () => {
  test('round-trips a position exactly, microseconds included', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  test('is deterministic within a process (implementations produce identical cursors)', () => {
    expect(encodeCursor(position)).toBe(encodeCursor({ ...position }));
  });

  test('rejects malformed cursors', () => {
    for (const bad of ['', 'v1', 'v1..', 'v2.a.b', 'v1.%%%.abc', 'not a cursor at all']) {
      expect(() => decodeCursor(bad), bad).toThrow(InvalidCursorError);
    }
  });

  test('rejects a cursor whose payload or signature was changed', () => {
    const [v, payload, mac] = encodeCursor(position).split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify(['2024-03-01T10:00:00.000501Z', 42])).toString('base64url');
    expect(() => decodeCursor([v, forged, mac].join('.'))).toThrow(InvalidCursorError);
    // the key is random per process: change the last character to one it is not
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    expect(() => decodeCursor([v, payload, flipped].join('.'))).toThrow(InvalidCursorError);
    expect(() => decodeCursor([v, payload, `${mac}A`].join('.'))).toThrow(InvalidCursorError);
  });

  test('refuses to encode a position without microsecond precision or with a bad id', () => {
    expect(() => encodeCursor({ createdAt: '2024-03-01T10:00:00.000Z', id: 1 })).toThrow(TypeError);
    expect(() => encodeCursor({ createdAt: position.createdAt, id: 0 })).toThrow(TypeError);
  });
});
