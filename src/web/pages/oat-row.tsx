/** One row of the organization token list: its cells and the actions its status allows. */
import type { OrgAccessToken } from '../api/types.ts';
import { StatusBadge } from '../components/status-badge.tsx';
import { ExpiresCell } from '../components/token-fields.tsx';
import {
  CreatedCell,
  LastUsedCell,
  SelectCell,
  TokenActionsCell,
  TokenNameCell,
} from '../components/token-table.tsx';
import { describeResources } from '../lib/oat-logic.ts';
import { TokenReach } from './pat-restrictions.tsx';

interface RowProps {
  token: OrgAccessToken;
  selected: boolean;
  onSelect: () => void;
  onEdit: () => void;
  onDeactivate: () => void;
  onDelete: () => void;
}

export function OatRow({ token, selected, onSelect, onEdit, onDeactivate, onDelete }: RowProps) {
  return (
    <tr aria-selected={selected} data-testid="oat-row">
      <SelectCell name={token.label} checked={selected} onChange={onSelect} />
      <TokenNameCell label="Label" name={token.label} hint={token.token_hint}>
        {token.description ? <span className="hint">{token.description}</span> : null}
        <details className="resources">
          <summary>
            {token.resources.length} permission{token.resources.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {describeResources(token.resources).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      </TokenNameCell>
      <td data-label="Created by">{token.created_by || 'unknown'}</td>
      <td data-label="Status">
        <StatusBadge status={token.status} />
      </td>
      <CreatedCell createdAt={token.created_at} />
      <LastUsedCell at={token.last_used_at} ip={token.last_used_ip} client={token.last_used_ua}>
        <TokenReach allowedCidrs={token.allowed_cidrs} lastUsedIps={token.last_used_ips} />
      </LastUsedCell>
      <ExpiresCell expiresAt={token.expires_at} />
      <TokenActionsCell
        name={token.label}
        actions={
          token.status === 'active'
            ? [
                { label: 'Edit', run: onEdit },
                { label: 'Deactivate', run: onDeactivate },
              ]
            : []
        }
        onDelete={onDelete}
      />
    </tr>
  );
}
