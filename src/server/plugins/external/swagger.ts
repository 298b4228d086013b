// @fastify/swagger + @fastify/swagger-ui: OpenAPI 3 generated from the routes' zod schemas, browsable at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Registers the OpenAPI generator and its UI at /docs (JSON at /docs/json). */
export async function registerSwagger(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Tengen', description: 'Go move prediction: policy-network move suggestions, game review, KataGo-style analysis', version: '0.1.0' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
