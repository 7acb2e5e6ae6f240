import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../services/shared/context.ts';

/** The caller's address and client, as recorded on tokens and audit events. */
export function requestMeta(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : '' };
}
