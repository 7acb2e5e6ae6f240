/**
 * Who is signed in. The session itself is the HttpOnly cookie; this holds what the console may know:
 * the account and the CSRF token (in memory, handed to the API client). A 401 from any request
 * means the session ended (expired, password changed, signed out elsewhere).
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onSessionLost, setCsrfToken } from '../api/client.ts';
import type { ConsoleSession } from '../api/types.ts';

export type SessionState =
  | { status: 'loading' }
  | {
      status: 'signed-out';
      notice?: string;
      /** Signed out on purpose: the next sign-in starts afresh, not where they were. */
      explicit?: boolean;
    }
  | { status: 'signed-in'; session: ConsoleSession };

interface SessionApi {
  state: SessionState;
  signedIn(session: ConsoleSession): void;
  signOut(notice?: string): Promise<void>;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    api<ConsoleSession>('GET', '/v2/console/session', { expectUnauthorized: true })
      .then((session) => {
        if (cancelled) return;
        setCsrfToken(session.csrf_token);
        setState({ status: 'signed-in', session });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        const notice =
          error instanceof ApiError && error.status !== 401 && error.status !== 403
            ? error.message
            : undefined;
        setState({ status: 'signed-out', notice });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onSessionLost(() => {
        setCsrfToken(undefined);
        setState((current) =>
          current.status === 'signed-in'
            ? { status: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' }
            : current,
        );
      }),
    [],
  );

  const signedIn = useCallback((session: ConsoleSession) => {
    setCsrfToken(session.csrf_token);
    setState({ status: 'signed-in', session });
  }, []);

  const signOut = useCallback(async (notice?: string) => {
    try {
      await api('DELETE', '/v2/console/session', { expectUnauthorized: true });
    } finally {
      setCsrfToken(undefined);
      setState({ status: 'signed-out', notice, explicit: true });
    }
  }, []);

  const value = useMemo(() => ({ state, signedIn, signOut }), [state, signedIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in account; pages behind the sign-in gate only. */
export function useAccount(): ConsoleSession {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useAccount while signed out');
  return state.session;
}
