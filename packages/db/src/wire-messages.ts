/** A Parse message: the statement name ('' = unnamed), its SQL text and the parameter type OIDs it gave (0 = unspecified). */
export interface ParseMessage {
  name: string;
  text: string;
  paramTypes: number[];
}

/**
 * A Bind message: which statement it executes and its parameter values, as strings where sent in text format;
 * `binary` is true when any parameter was sent in binary format (its value is then not decoded: null).
 */
export interface BindMessage {
  statement: string;
  params: Array<string | null>;
  binary: boolean;
}

export interface FrontendHandlers {
  parse?(message: ParseMessage): void;
  bind?(message: BindMessage): void;
  /** A simple-protocol Query message (the values, if any, are written into the SQL text). */
  query?(text: string): void;
}

// startup-phase requests that carry a protocol code instead of a version (PostgreSQL protocol §55.7)
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PARSE = 0x50; // 'P'
const BIND = 0x42; // 'B'
const QUERY = 0x51; // 'Q'

function readParse(message: Buffer): ParseMessage {
  const nameEnd = message.indexOf(0, 5);
  const textEnd = message.indexOf(0, nameEnd + 1);
  const count = message.readUInt16BE(textEnd + 1);
  const paramTypes = Array.from({ length: count }, (_, i) => message.readUInt32BE(textEnd + 3 + 4 * i));
  return {
    name: message.toString('utf8', 5, nameEnd),
    text: message.toString('utf8', nameEnd + 1, textEnd),
    paramTypes,
  };
}

function readBind(message: Buffer): BindMessage {
  const portalEnd = message.indexOf(0, 5);
  const statementEnd = message.indexOf(0, portalEnd + 1);
  const statement = message.toString('utf8', portalEnd + 1, statementEnd);
  let at = statementEnd + 1;
  const formatCount = message.readUInt16BE(at);
  const formats = Array.from({ length: formatCount }, (_, i) => message.readUInt16BE(at + 2 + 2 * i));
  at += 2 + 2 * formatCount;
  const count = message.readUInt16BE(at);
  at += 2;
  const params: Array<string | null> = [];
  let binary = false;
  for (let i = 0; i < count; i++) {
    const length = message.readInt32BE(at);
    at += 4;
    // no format codes: all text; one: it applies to every parameter; otherwise one per parameter
    const format = formatCount === 0 ? 0 : formatCount === 1 ? formats[0] : formats[i];
    if (length < 0) params.push(null);
    else if (format === 1) {
      binary = true;
      params.push(null);
    } else params.push(message.toString('utf8', at, at + length));
    if (length > 0) at += length;
  }
  return { statement, params, binary };
}

/**
 * Reads the frontend's side of the PostgreSQL protocol as it passes a proxy: the untyped startup messages
 * first, then typed messages (1-byte type, 4-byte length that counts itself), handing Parse, Bind and Query
 * messages to the handlers. Plain connections only (node-postgres does not ask for TLS unless told to).
 * A message it cannot read ends the reading of that connection (`onError`), never the connection or the
 * process: the reader only watches a stream that the proxy passes on unchanged.
 */
export function frontendReader(
  handlers: FrontendHandlers,
  onError: (error: unknown) => void = () => {},
): (chunk: Buffer) => void {
  let failed = false;
  const read = reader(handlers);
  return (chunk) => {
    if (failed) return;
    try {
      read(chunk);
    } catch (error) {
      failed = true;
      onError(error);
    }
  };
}

function reader(handlers: FrontendHandlers): (chunk: Buffer) => void {
  let buffer: Buffer = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        // after an SSL or GSS request the client sends its startup message next
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) started = true;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) return;
      const message = buffer.subarray(0, 1 + length);
      if (message[0] === PARSE) handlers.parse?.(readParse(message));
      else if (message[0] === BIND) handlers.bind?.(readBind(message));
      else if (message[0] === QUERY) handlers.query?.(message.toString('utf8', 5, message.indexOf(0, 5)));
      buffer = buffer.subarray(1 + length);
    }
  };
}
