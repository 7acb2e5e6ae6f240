/** Loads data for a page and reloads it on demand; a stale reply never overwrites a newer one. */
import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

export type Load<T> =
  | { status: 'loading'; data?: T }
  | { status: 'error'; error: string; data?: T }
  | { status: 'ready'; data: T };

export function useLoad<T>(loader: () => Promise<T>, deps: DependencyList): [Load<T>, () => void] {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what the loader reads.
  const load = useCallback(loader, deps);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation (reload()) loads again.
  useEffect(() => {
    const ticket = ++latest.current;
    setState((current) => ({ status: 'loading', data: current.data }));
    load().then(
      (data) => {
        if (ticket === latest.current) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (ticket !== latest.current) return;
        const message = error instanceof Error ? error.message : String(error);
        setState((current) => ({ status: 'error', error: message, data: current.data }));
      },
    );
  }, [load, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return [state, reload];
}

/** The message of anything thrown, for an error banner. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
