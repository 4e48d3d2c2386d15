import { isDeepStrictEqual, parseArgs } from 'node:util';
import { createSchemaDatabase, dropDatabase, SCALES, type Scale, seedDataset, startServer } from '@dal/db';
import autocannon from 'autocannon';
import { buildApp } from './app';
import { IMPLEMENTATION_IDS, loadImplementation, UsageError } from './implementations';
import { closeOnSignals, fail, Resources } from './lifecycle';

const NAME = 'bench:http';
const DATABASE = 'dal_api_http_bench';
const WARM_UP_SECONDS = 1;

interface Route {
  name: string;
  /** Requests autocannon cycles through on every connection. */
  paths(products: number): string[];
}

const ROUTES: Route[] = [
  {
    name: 'GET /products/:id',
    paths: (products) => Array.from({ length: Math.min(products, 100) }, (_, i) => `/products/${i + 1}`),
  },
  { name: 'GET /orders/recent?strategy=joined', paths: () => ['/orders/recent?strategy=joined'] },
];

interface Row {
  implementation: string;
  route: string;
  requestsPerSecond: number;
  mean: number;
  p50: number;
  p99: number;
  failed: number;
}

/** The command line; an unknown flag, a missing value or a stray argument is one line (UsageError). */
function parseCommandLine(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        impl: { type: 'string', default: IMPLEMENTATION_IDS.join(',') },
        duration: { type: 'string', default: '5' },
        connections: { type: 'string', default: '10' },
        pool: { type: 'string', default: '10' },
        scale: { type: 'string', default: 'quick' },
      },
    });
  } catch (error) {
    // node:util's parseArgs throws a TypeError (ERR_PARSE_ARGS_*) whose message says what is wrong
    throw new UsageError(
      `${(error as Error).message} (flags: --impl, --duration, --connections, --pool, --scale)`,
    );
  }
}

function options(args: string[] = process.argv.slice(2)) {
  const { values } = parseCommandLine(args);
  const int = (name: string, raw: string, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new UsageError(`--${name} must be an integer from 1 to ${max}, got '${raw}'`);
    }
    return value;
  };
  const implementations = values.impl.split(',').filter(Boolean);
  const unknown = implementations.filter((id) => !IMPLEMENTATION_IDS.includes(id));
  if (unknown.length || !implementations.length) {
    throw new UsageError(
      `unknown --impl '${values.impl}' (one or more of: ${IMPLEMENTATION_IDS.join(', ')})`,
    );
  }
  if (values.scale !== 'test' && values.scale !== 'quick') {
    throw new UsageError(`--scale must be test or quick, got '${values.scale}'`);
  }
  return {
    implementations,
    duration: int('duration', values.duration, 60),
    connections: int('connections', values.connections, 256),
    poolSize: int('pool', values.pool, 100),
    scale: values.scale as Scale,
  };
}

async function bench(url: string, route: Route, products: number, duration: number, connections: number) {
  const requests = route.paths(products).map((path) => ({ method: 'GET' as const, path }));
  await autocannon({ url, requests, connections, duration: WARM_UP_SECONDS });
  return autocannon({ url, requests, connections, duration });
}

function printTable(rows: Row[]): void {
  // autocannon records latencies in whole milliseconds: a fast route shows p50 0 ms, its mean is finer
  const header = ['implementation', 'route', 'req/s', 'mean ms', 'p50 ms', 'p99 ms', 'failed'];
  const cells = rows.map((r) => [
    r.implementation,
    r.route,
    r.requestsPerSecond.toFixed(0),
    r.mean.toFixed(2),
    String(r.p50),
    String(r.p99),
    String(r.failed),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  console.log(
    [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n'),
  );
}

const resources = new Resources();
closeOnSignals(resources, NAME);

async function run(): Promise<void> {
  const { implementations, duration, connections, poolSize, scale } = options();
  const server = await startServer();
  resources.add(() => server.stop());
  const url = await createSchemaDatabase(server.adminUrl, DATABASE);
  resources.add(() => dropDatabase(server.adminUrl, DATABASE));
  await seedDataset(url, { scale });
  const products = SCALES[scale].products;
  console.error(
    `${NAME}: ${server.kind} PostgreSQL ${server.version}, dataset ${scale}, pool ${poolSize}, ` +
      `${connections} connections, ${WARM_UP_SECONDS} s warm-up + ${duration} s per route`,
  );

  const rows: Row[] = [];
  let reference: { implementation: string; bodies: unknown[] } | undefined;
  for (const id of implementations) {
    let implementation: Awaited<ReturnType<typeof loadImplementation>>;
    try {
      implementation = await loadImplementation(id);
    } catch (error) {
      console.error(`${NAME}: skipped ${id}: ${(error as Error).message}`);
      continue;
    }
    const repository = await implementation.createRepository({ connectionString: url, poolSize });
    const closeRepository = resources.add(() => repository.close());
    const app = buildApp({ repository });
    const closeApp = resources.add(() => app.close());
    const address = await app.listen({ host: '127.0.0.1', port: 0 });

    // the same responses as the first implementation, or its numbers would not be comparable
    const bodies = await Promise.all(
      ROUTES.map(async (route) => (await fetch(`${address}${route.paths(products)[0]}`)).json()),
    );
    reference ??= { implementation: id, bodies };
    if (!isDeepStrictEqual(bodies, reference.bodies)) {
      console.error(`${NAME}: skipped ${id}: its responses differ from ${reference.implementation}'s`);
    } else {
      for (const route of ROUTES) {
        console.error(`${NAME}: ${id} ${route.name} ...`);
        const result = await bench(address, route, products, duration, connections);
        rows.push({
          implementation: id,
          route: route.name,
          requestsPerSecond: result.requests.average,
          mean: result.latency.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          failed: result.errors + result.non2xx,
        });
      }
    }
    await closeApp();
    await closeRepository();
  }
  printTable(rows);
  await resources.closeAll();
}

await run().catch((error) => fail(resources, NAME, error));
