/**
 * A client's short name (lib/user-agent.ts) that opens, on a click or a tap, to its whole
 * User-Agent: a tooltip alone is out of reach on a phone and for a keyboard.
 */
import { clientName } from '../lib/user-agent.ts';

export function ClientName({ userAgent, label }: { userAgent: string; label?: string }) {
  const name = label ?? clientName(userAgent);
  if (!userAgent.trim() || name === userAgent.trim()) return <span className="hint">{name}</span>;
  return (
    <details className="client-name">
      <summary className="hint" title={userAgent}>
        {name}
      </summary>
      <code className="user-agent" data-testid="user-agent">
        {userAgent}
      </code>
    </details>
  );
}
