/**
 * Copies text to the clipboard. `navigator.clipboard` needs a secure context (https or localhost);
 * elsewhere the text is selected in a hidden field and copied the old way, and if that fails too
 * the button says so, so the person can select it by hand.
 */
import { useState } from 'react';

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

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [result, setResult] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className="button"
        aria-label={label}
        onClick={async () => setResult((await copyText(text)) ? 'copied' : 'failed')}
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
