import { describe, expect, it } from 'vitest';
import { type BindMessage, frontendReader, type ParseMessage } from '../src/wire-messages';

const cstring = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const typed = (type: string, body: Buffer) =>
  Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
const startup = () => {
  const body = Buffer.concat([int32(196608), cstring('user'), cstring('postgres'), Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
};
const parse = (name: string, text: string, types: number[]) =>
  typed('P', Buffer.concat([cstring(name), cstring(text), int16(types.length), ...types.map(int32)]));
const bind = (statement: string, formats: number[], params: Array<Buffer | null>) =>
  typed(
    'B',
    Buffer.concat([
      cstring(''),
      cstring(statement),
      int16(formats.length),
      ...formats.map(int16),
      int16(params.length),
      ...params.map((p) => (p === null ? int32(-1) : Buffer.concat([int32(p.length), p]))),
      int16(0),
    ]),
  );

function read(stream: Buffer, chunk: number) {
  const parses: ParseMessage[] = [];
  const binds: BindMessage[] = [];
  const queries: string[] = [];
  const reader = frontendReader({
    parse: (m) => parses.push(m),
    bind: (m) => binds.push(m),
    query: (q) => queries.push(q),
  });
  for (let i = 0; i < stream.length; i += chunk) reader(stream.subarray(i, i + chunk));
  return { parses, binds, queries };
}

describe('frontendReader', () => {
  const stream = Buffer.concat([
    startup(),
    parse('s1', 'SELECT * FROM products WHERE id = $1 AND name = $2', [20, 0]),
    bind('s1', [], [Buffer.from('42'), Buffer.from('Wïdget')]),
    bind('s1', [1], [Buffer.from([0, 0, 0, 7]), null]),
    bind('s1', [0, 1], [null, Buffer.from([1])]),
    typed('Q', cstring("SELECT 'x'")),
    typed('S', Buffer.alloc(0)),
  ]);

  it('reads Parse (name, text, parameter types), Bind (statement, text values, binary flag) and Query, whatever the chunking', () => {
    for (const chunk of [stream.length, 7, 1]) {
      expect(read(stream, chunk)).toEqual({
        parses: [
          { name: 's1', text: 'SELECT * FROM products WHERE id = $1 AND name = $2', paramTypes: [20, 0] },
        ],
        binds: [
          { statement: 's1', params: ['42', 'Wïdget'], binary: false },
          // one format code applies to every parameter; a binary value is not decoded
          { statement: 's1', params: [null, null], binary: true },
          { statement: 's1', params: [null, null], binary: true },
        ],
        queries: ["SELECT 'x'"],
      });
    }
  });

  it('reads counts as unsigned: a Bind of 40,000 parameters (a 10,000-row multi-row insert)', () => {
    const values = Array.from({ length: 40_000 }, (_, i) => Buffer.from(String(i)));
    const { binds } = read(Buffer.concat([startup(), bind('', [], values)]), 4096);
    expect(binds).toHaveLength(1);
    expect(binds[0]!.params).toHaveLength(40_000);
    expect(binds[0]!.params[39_999]).toBe('39999');
  });

  it('stops reading, without throwing, at a message it cannot read', () => {
    const errors: unknown[] = [];
    const queries: string[] = [];
    const reader = frontendReader({ bind: () => {}, query: (q) => queries.push(q) }, (e) => errors.push(e));
    // a Bind whose parameter count promises more than the message holds
    const broken = typed('B', Buffer.concat([cstring(''), cstring(''), int16(0), int16(3)]));
    expect(() => reader(Buffer.concat([startup(), broken, typed('Q', cstring('SELECT 1'))]))).not.toThrow();
    expect(errors).toHaveLength(1);
    reader(typed('Q', cstring('SELECT 2')));
    expect(queries).toEqual([]);
  });

  it('skips an SSL request before the startup message', () => {
    const ssl = Buffer.concat([int32(8), int32(80877103)]);
    expect(read(Buffer.concat([ssl, stream]), 5).queries).toEqual(["SELECT 'x'"]);
  });
});
