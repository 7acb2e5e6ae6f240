/**
 * Accounts and sign-in: sign-up, the current user, password change, the Hub login routes, the
 * two-factor routes and the web console's session.
 */
import { type Static, Type } from 'typebox';

export const userObject = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.String(),
  is_admin: Type.Boolean(),
  date_joined: Type.String({ format: 'date-time' }),
  email_verified: Type.Optional(
    Type.Boolean({ description: 'Whether the address was verified by a mailed link (docs/mail.md).' }),
  ),
});
export type UserObject = Static<typeof userObject>;

export const signUpBody = Type.Object({
  username: Type.String({ maxLength: 256 }),
  email: Type.String({ maxLength: 320 }),
  password: Type.String({ maxLength: 1024 }),
});

export const passwordChangeBody = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: 1024 }),
  new_password: Type.String({ maxLength: 1024 }),
});

export const loginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 256 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const authTokenBody = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 256 }),
  secret: Type.String({ minLength: 1, maxLength: 1024 }),
});

/** The second step of a password sign-in with two-factor on. */
export const secondStepBody = Type.Object({
  login_2fa_token: Type.String({ minLength: 1, maxLength: 256 }),
  code: Type.String({ minLength: 1, maxLength: 64 }),
});

/** The 401 of a correct password with two-factor on: Docker Hub's message and the second step's token. */
export interface SecondStepRequired {
  detail: string;
  message: string;
  login_2fa_token: string;
}

export const twoFactorCode = Type.String({ minLength: 1, maxLength: 64 });

export const twoFactorStateObject = Type.Object({
  enabled: Type.Boolean(),
  recovery_codes_left: Type.Integer(),
  setup_pending: Type.Boolean({
    description: 'A setup was started and not confirmed: POST /setup answers the same secret again',
  }),
});
export type TwoFactorState = Static<typeof twoFactorStateObject>;

export const twoFactorSetupObject = Type.Object({ secret: Type.String(), otpauth_uri: Type.String() });
export type TwoFactorSetup = Static<typeof twoFactorSetupObject>;

export const recoveryCodesObject = Type.Object({ recovery_codes: Type.Array(Type.String()) });
export type RecoveryCodes = Static<typeof recoveryCodesObject>;

export const twoFactorEnableBody = Type.Object({
  code: twoFactorCode,
  password: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1024,
      description:
        'The account password; needed unless the session signed in within the last 5 minutes (tokenhub extension).',
    }),
  ),
});

export const twoFactorDisableBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  code: twoFactorCode,
});

export const consoleSessionObject = Type.Object({
  username: Type.String(),
  email: Type.String(),
  is_admin: Type.Boolean(),
  csrf_token: Type.String({ description: 'Send it as X-CSRF-Token on every state-changing request.' }),
  expires_at: Type.String({ format: 'date-time' }),
});
export type ConsoleSession = Static<typeof consoleSessionObject>;
