/**
 * Who is signed in. The session itself is the HttpOnly cookie; this holds what the console may know:
 * the account and the CSRF token (in memory, handed to the API client). A 401 from any request
 * means the session ended (expired, password changed, signed out elsewhere). While the server cannot
 * be reached or answers 502/503/504 (restarting, or a proxy in front of it has no server to ask),
 * the session is `unavailable`: the read is retried by itself (`retryDelaySeconds`) until the
 * server answers, and then the console goes on to the page that was asked for.
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
  | { status: 'signed-in'; session: ConsoleSession }
  | {
      status: 'unavailable';
      /** What the last attempt heard: `no answer (…)`, `HTTP 502`, or the status and tokenhub's message. */
      lastAnswer: string;
      /** When the next attempt starts by itself. */
      retryInSeconds: number;
      /** An attempt is under way. */
      checking: boolean;
    };

/** Seconds before the next session read: the server's `Retry-After` (1 to 30 s), else 3 s. */
export function retryDelaySeconds(retryAfterSeconds: number | undefined): number {
  if (retryAfterSeconds === undefined) return 3;
  return Math.min(30, Math.max(1, retryAfterSeconds));
}

interface SessionApi {
  state: SessionState;
  signedIn(session: ConsoleSession): void;
  signOut(notice?: string): Promise<void>;
  /** While `unavailable`: reads the session again now, without waiting for the next attempt. */
  retryNow(): void;
}

function lastAnswerOf(error: ApiError): string {
  if (error.status === 0) return 'no answer (the connection failed)';
  // A body that is not JSON is a proxy's page: its status says enough.
  return error.body === undefined ? `HTTP ${error.status}` : `HTTP ${error.status}, ${error.message}`;
}

const SessionContext = createContext<SessionApi | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  /** Each attempt at reading the session; a new value starts one. */
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    if (attempt > 0) {
      setState((current) => (current.status === 'unavailable' ? { ...current, checking: true } : current));
    }
    api<ConsoleSession>('GET', '/v2/console/session', { expectUnauthorized: true })
      .then((session) => {
        if (cancelled) return;
        setCsrfToken(session.csrf_token);
        setState({ status: 'signed-in', session });
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        if (error instanceof ApiError && error.unavailable) {
          const seconds = retryDelaySeconds(error.retryAfterSeconds);
          setState({
            status: 'unavailable',
            lastAnswer: lastAnswerOf(error),
            retryInSeconds: seconds,
            checking: false,
          });
          retry = setTimeout(() => setAttempt((n) => n + 1), seconds * 1000);
          return;
        }
        const notice =
          error instanceof ApiError && error.status !== 401 && error.status !== 403
            ? error.message
            : undefined;
        setState({ status: 'signed-out', notice });
      });
    return () => {
      cancelled = true;
      clearTimeout(retry);
    };
  }, [attempt]);

  const retryNow = useCallback(() => setAttempt((n) => n + 1), []);

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

  const value = useMemo(() => ({ state, signedIn, signOut, retryNow }), [state, signedIn, signOut, retryNow]);
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
