import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ValidationError } from '@dal/core';
import type { FastifyRequest } from 'fastify';

// Fastify's default Ajv coerces types ("0x10" -> 16, true -> 1, [5] -> 5, "1e2" -> 100) before the
// contract's validator sees a value. The app turns coercion off (bodies are JSON: a string where a number is
// expected is a 400); path and query values are always text, so this hook turns the integer ones into
// numbers itself, accepting plain decimal digits only, before the route schema checks their range.

/** At most 15 digits: every such value is an exact JavaScript number (the schemas bound the range). */
const PLAIN_DECIMAL = /^[0-9]{1,15}$/;

interface ObjectSchema {
  properties?: Record<string, { type?: unknown }>;
}

function integersOf(schema: unknown): string[] {
  const properties = (schema as ObjectSchema | undefined)?.properties ?? {};
  return Object.keys(properties).filter((key) => properties[key]?.type === 'integer');
}

function convert(values: unknown, schema: unknown, where: string): void {
  if (!values || typeof values !== 'object') return;
  const record = values as Record<string, unknown>;
  for (const key of integersOf(schema)) {
    const raw = record[key];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !PLAIN_DECIMAL.test(raw)) {
      throw new ValidationError(
        `${where} ${key} must be an integer in plain decimal digits, given once; got ${JSON.stringify(raw)}`,
        [{ path: `${where}.${key}`, message: 'must be plain decimal digits' }],
      );
    }
    record[key] = Number(raw);
  }
}

/** preValidation hook: integer path and query parameters are plain decimal digits, then numbers. */
export async function plainDecimalIntegers(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema;
  if (!schema) return;
  convert(request.params, schema.params, 'path parameter');
  convert(request.query, schema.querystring, 'query parameter');
}

/**
 * Errors Node's HTTP parser finds before fastify has a request (headers too large, a malformed request, a
 * client too slow to send its request), answered in the API's `{ error, message }` shape like every other.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'the request headers exceed the server limit (16 KiB in all)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'the request was not received in time']
        : [400, 'BAD_REQUEST', 'malformed HTTP request'];
  const body = JSON.stringify({ error: code, message });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
