/** Password sessions kept on the server (tokenhub extension): listed, revocable, CLI refresh tokens. */
import { type Static, Type } from 'typebox';

export const accountSessionObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  kind: Type.Union([Type.Literal('console'), Type.Literal('api'), Type.Literal('cli')], {
    description: 'console: a web console sign-in; api: a Hub login with a password; cli: tokenhub login',
  }),
  device: Type.String({ description: 'The name the client gave (a CLI: its host name), else ""' }),
  ip: Type.String({ description: 'The address it was opened or last refreshed from' }),
  user_agent: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_seen_at: Type.String({ format: 'date-time', description: 'Updated at most once a minute' }),
  expires_at: Type.String({ format: 'date-time' }),
  current: Type.Boolean({ description: 'The session that made this request' }),
});
export type AccountSessionObject = Static<typeof accountSessionObject>;

export const accountSessionList = Type.Object({ results: Type.Array(accountSessionObject) });
export type AccountSessionList = Static<typeof accountSessionList>;

export const sessionIdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const cliSessionBody = Type.Object({
  device: Type.Optional(
    Type.String({
      maxLength: 100,
      pattern: '^[^\\u0000-\\u001f]*$',
      description: 'Shown in the session list',
    }),
  ),
});

export const cliSessionObject = Type.Object({
  session_id: Type.String({ format: 'uuid' }),
  refresh_token: Type.String({ description: 'The secret, shown this once: POST it to /v2/auth/refresh' }),
  expires_at: Type.String({ format: 'date-time' }),
});
export type CliSession = Static<typeof cliSessionObject>;

export const refreshBody = Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 200 }) });

export const refreshedSessionObject = Type.Object({
  access_token: Type.String({ description: 'A session JWT of the CLI session, as /v2/auth/token answers' }),
  session_id: Type.String({ format: 'uuid' }),
  expires_at: Type.String({ format: 'date-time', description: 'When the CLI session (not this JWT) ends' }),
});
export type RefreshedSession = Static<typeof refreshedSessionObject>;
