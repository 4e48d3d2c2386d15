import type { NewCustomer, ShopRepository } from '@dal/core';
import type { FastifyInstance } from 'fastify';
import { errorResponses, idParams, ref } from '../schemas';

const tags = ['customers'];

export function customerRoutes(app: FastifyInstance, repository: ShopRepository) {
  app.post<{ Body: NewCustomer }>(
    '/customers',
    {
      schema: {
        tags,
        summary: 'Create a customer (email unique among live customers, case-insensitively)',
        body: {
          type: 'object',
          properties: { email: { type: 'string', maxLength: 320 }, name: { type: 'string', minLength: 1 } },
          required: ['email', 'name'],
          additionalProperties: false,
        },
        response: { 201: ref('Customer'), ...errorResponses(400, 409) },
      },
    },
    async (request, reply) => {
      const customer = await repository.createCustomer(request.body);
      return reply.status(201).header('location', `/customers/${customer.id}`).send(customer);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'A live customer',
        params: idParams,
        response: { 200: ref('Customer'), ...errorResponses(400, 404) },
      },
    },
    (request) => repository.getCustomer(request.params.id),
  );

  app.get<{ Querystring: { email: string } }>(
    '/customers',
    {
      schema: {
        tags,
        summary: 'Find the live customer with this email (case-insensitive): a list of zero or one',
        querystring: {
          type: 'object',
          properties: { email: { type: 'string' } },
          required: ['email'],
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: ref('Customer') }, ...errorResponses(400) },
      },
    },
    async (request) => {
      const customer = await repository.findCustomerByEmail(request.query.email);
      return customer ? [customer] : [];
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/customers/:id',
    {
      schema: {
        tags,
        summary: 'Soft-delete a customer (its email becomes free)',
        params: idParams,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      await repository.softDeleteCustomer(request.params.id);
      return reply.status(204).send();
    },
  );
}
