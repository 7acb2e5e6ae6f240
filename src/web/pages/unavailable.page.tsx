/**
 * The page shown while tokenhub cannot be reached or answers 502/503/504 (it is restarting, or a
 * proxy in front of it has no server to ask): what is happening, that the console tries again by
 * itself, and a button to try now. The session provider retries and, once the server answers, the
 * console goes on to the page that was asked for (signed in, or the sign-in page).
 */
import { useSession } from '../lib/session.tsx';

export function UnavailablePage({
  lastAnswer,
  retryInSeconds,
  checking,
}: {
  lastAnswer: string;
  retryInSeconds: number;
  checking: boolean;
}) {
  const { retryNow } = useSession();
  return (
    <main id="main" className="auth-page">
      <section className="auth-card" aria-labelledby="unavailable-title">
        <p className="brand brand-large">tokenhub</p>
        <h1 id="unavailable-title">tokenhub is restarting or briefly unavailable</h1>
        <p>
          The console cannot reach the tokenhub server right now. This usually means it is restarting, for
          example after an update, and takes a few seconds. Your account, tokens and settings are not
          affected.
        </p>
        <p role="status" aria-live="polite">
          {checking
            ? 'Checking whether tokenhub is back…'
            : `Trying again by itself every ${retryInSeconds} ${retryInSeconds === 1 ? 'second' : 'seconds'}; this page continues as soon as tokenhub answers.`}
        </p>
        <p className="muted">Last answer: {lastAnswer}.</p>
        <button type="button" className="button primary" disabled={checking} onClick={retryNow}>
          Try again now
        </button>
      </section>
    </main>
  );
}
