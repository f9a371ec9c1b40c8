/**
 * The admin API (JSON, under /admin), for an administrator's bearer token (an admin user, or an admin backend
 * client): clients, users and the audit chain. Everything `npm run admin` does is possible here too.
 */
import express, { NextFunction, Request, Response, Router } from 'express';
import { verifyAuditChain } from '../audit/audit-chain';
import { markAudited } from '../audit/refusal-audit';
import { InvalidToken, verifyAccessToken } from '../auth/access-token';
import type { AuthServer } from '../auth/auth-server';
import { findClient } from '../auth/clients';
import { invalidTokenError } from '../auth/fhir-authentication';
import { clientIp } from '../auth/oauth-http';
import { createRepository } from '../create-repository';
import { checkParsedJson } from '../json-limits';
import { forbidden, notFound } from '../errors';
import { addClient, addUser, describeClient, describeUser, disableClient, disableUser, listClients, listUsers, registrationFromJson } from './admin-commands';

type AdminHandler = (server: AuthServer, req: Request, res: Response, admin: { clientId: string; userId?: string }) => Promise<void>;

export function adminRoutes(server: AuthServer): Router {
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }), checkParsedJson);
  const run = (action: string, handler: AdminHandler) => (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    const event = (outcome: '0' | '4', agent: { clientId?: string; userId?: string }, description?: string) => ({
      kind: 'admin' as const, subtype: action, action: 'E' as const, outcome, outcomeDescription: description, agent, sourceIp: clientIp(req),
      patients: [], entities: [], query: `${req.method} ${req.originalUrl}`,
    });
    let admin: { clientId: string; userId?: string } | undefined;
    requireAdmin(server, req)
      .then(async (who) => {
        admin = who;
        await handler(server, req, res, who);
        await server.audit.record(event('0', who));
      })
      .catch(async (err: unknown) => {
        await server.audit.recordRefusal(event('4', admin ?? {}, (err as Error).message));
        next(markAudited(err));
      });
  };
  router.get('/clients', run('list-clients', async (s, _req, res) => {
    res.json((await listClients(s.pool)).map(describeClient));
  }));
  router.get('/clients/:id', run('read-client', async (s, req, res) => {
    const client = await findClient(s.pool, String(req.params.id));
    if (!client) throw notFound(`No client ${req.params.id}`);
    res.json(describeClient(client));
  }));
  router.post('/clients', run('add-client', async (s, req, res) => {
    const { client, secret } = await addClient(s.pool, registrationFromJson((req.body ?? {}) as Record<string, unknown>));
    res.status(201).json({ ...describeClient(client), ...(secret ? { client_secret: secret } : {}) });
  }));
  router.delete('/clients/:id', run('disable-client', async (s, req, res) => {
    if (!(await disableClient(s.pool, String(req.params.id)))) throw notFound(`No active client ${req.params.id}`);
    res.status(204).end();
  }));
  router.get('/users', run('list-users', async (s, _req, res) => {
    res.json((await listUsers(s.pool)).map(describeUser));
  }));
  router.post('/users', run('add-user', async (s, req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const user = await addUser(s.pool, {
      username: String(body.username ?? ''), password: String(body.password ?? ''),
      fhirUser: typeof body.fhir_user === 'string' ? body.fhir_user : undefined, isAdmin: body.admin === true,
    });
    res.status(201).json(describeUser(user));
  }));
  router.delete('/users/:username', run('disable-user', async (s, req, res) => {
    if (!(await disableUser(s.pool, String(req.params.username)))) throw notFound(`No active user ${req.params.username}`);
    res.status(204).end();
  }));
  router.get('/audit/verify', run('verify-audit', async (s, _req, res) => {
    res.json(await verifyAuditChain(createRepository(s.pool)));
  }));
  return router;
}

async function requireAdmin(server: AuthServer, req: Request): Promise<{ clientId: string; userId?: string }> {
  const header = req.headers.authorization;
  if (!header || !/^bearer /i.test(header)) throw invalidTokenError(server, 'the admin API needs an administrator bearer token');
  try {
    const token = await verifyAccessToken(server, header.slice(7).trim());
    const admin = token.userIsAdmin || (token.clientIsAdmin && !token.userId);
    if (!admin) throw forbidden('This token does not belong to an administrator');
    return { clientId: token.clientId, userId: token.userId };
  } catch (err) {
    if (err instanceof InvalidToken) throw invalidTokenError(server, err.description);
    throw err;
  }
}
