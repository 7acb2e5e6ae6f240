/**
 * Mail-backed account routes (tokenhub extensions, docs/mail.md): the address and its
 * verification, expiry-notice preference, and password reset by mailed link.
 */
import { type Static, Type } from 'typebox';

const emailCode = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'The `code` of the mailed link.',
});

export const emailStateObject = Type.Object({
  email: Type.String(),
  email_verified: Type.Boolean(),
  expiry_notices: Type.Boolean({ description: 'Whether token expiry notices are mailed.' }),
  mail_enabled: Type.Boolean({ description: 'Whether this instance sends mail at all.' }),
});
export type EmailState = Static<typeof emailStateObject>;

export const emailSettingsBody = Type.Object({ expiry_notices: Type.Boolean() });

export const emailChangeBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  email: Type.String({ minLength: 1, maxLength: 320 }),
});

export const emailVerifyBody = Type.Object({ code: emailCode });

export const emailVerifiedObject = Type.Object({
  username: Type.String(),
  email: Type.String(),
  email_verified: Type.Literal(true),
});

export const passwordResetBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }) });

export const passwordResetConfirmBody = Type.Object({
  code: emailCode,
  new_password: Type.String({ maxLength: 1024 }),
});

/** The same answer whether or not an account has the address. */
export const mailAcceptedObject = Type.Object({ detail: Type.String(), message: Type.String() });
export type MailAccepted = Static<typeof mailAcceptedObject>;
