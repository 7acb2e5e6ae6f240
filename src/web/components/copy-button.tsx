/**
 * Copies text to the clipboard. `navigator.clipboard` needs a secure context (https or localhost);
 * elsewhere the text is selected in a hidden field and copied the old way, and if that fails too
 * the button says so, so the person can select it by hand.
 */
import { useState } from 'react';
import { useSecretCopied } from './dialog.tsx';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

/** With `secret`, a successful copy tells the enclosing `SecretDialog` that it may close silently. */
export function CopyButton({ text, label, secret }: { text: string; label: string; secret?: boolean }) {
  const [result, setResult] = useState<'idle' | 'copied' | 'failed'>('idle');
  const markCopied = useSecretCopied();
  return (
    <>
      <button
        type="button"
        className="button"
        aria-label={label}
        onClick={async () => {
          const copied = await copyText(text);
          setResult(copied ? 'copied' : 'failed');
          if (copied && secret) markCopied();
        }}
      >
        {result === 'copied' ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {result === 'copied'
          ? 'Copied to the clipboard'
          : result === 'failed'
            ? 'Copy failed; select the text'
            : ''}
      </span>
    </>
  );
}
