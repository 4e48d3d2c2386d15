import type { ShopRepository } from '@dal/core';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { errorHandler, notFoundHandler } from './errors';
import { accountRoutes } from './routes/accounts';
import { customerRoutes } from './routes/customers';
import { orderRoutes } from './routes/orders';
import { productRoutes } from './routes/products';
import { transferRoutes } from './routes/transfers';
import { SHARED_SCHEMAS } from './schemas';
import { clientErrorHandler, plainDecimalIntegers } from './strict-input';

/**
 * How long a client may take to send its whole request (Node's server.requestTimeout; 408 after it). How
 * long the database may take is the repository's: acquireTimeoutMs and statementTimeoutMs (503 after them).
 */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface AppOptions {
  repository: ShopRepository;
  /** Shown in the OpenAPI description, e.g. the implementation's display name. */
  servedBy?: string;
  logger?: FastifyServerOptions['logger'];
}

/**
 * The HTTP API over one repository. The caller owns the repository: closing the app does not close it.
 * Routes are registered lazily; `app.inject` and `app.listen` wait for them.
 */
export function buildApp({ repository, servedBy, logger = false }: AppOptions): FastifyInstance {
  const app = Fastify({
    logger,
    // no type coercion: a JSON body is taken as sent ("0x10", true, [5] or "1e2" for a number is a 400);
    // integer path and query parameters are converted by plainDecimalIntegers, digits only
    ajv: { customOptions: { coerceTypes: false } },
    clientErrorHandler,
    requestTimeout: REQUEST_TIMEOUT_MS,
  });
  app.setErrorHandler(errorHandler);
  app.addHook('preValidation', plainDecimalIntegers);
  app.setNotFoundHandler(notFoundHandler);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  app.register(swagger, {
    openapi: {
      info: {
        title: 'Data Access Lab API',
        version: '1.0.0',
        description: `The ShopRepository contract over HTTP${servedBy ? `, served by ${servedBy}` : ''}.`,
      },
      tags: ['customers', 'products', 'orders', 'accounts', 'transfers'].map((name) => ({ name })),
    },
    // name components after the shared schemas' $id instead of def-0, def-1, ...
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });

  // registered after @fastify/swagger so that its onRoute hook sees every route
  app.register(async (api) => {
    customerRoutes(api, repository);
    productRoutes(api, repository);
    orderRoutes(api, repository);
    accountRoutes(api, repository);
    transferRoutes(api, repository);
  });
  return app;
}
