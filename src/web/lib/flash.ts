/**
 * A confirmation carried across one navigation: a page that navigates away after a change (create,
 * delete, rename) leaves its message here, and the next page's notice (components/notice.tsx) reads
 * it once. It belongs to one path, so a page the message was not meant for never shows it.
 */
import { navigate } from './router.tsx';

let carried: { path: string; message: string } | undefined;

/** Navigates to `to` (a console path, optionally with a query) and shows `message` there. */
export function navigateWithNotice(to: string, message: string): void {
  carried = { path: new URL(to, 'http://console.invalid').pathname, message };
  navigate(to);
}

/** The message carried to `path`, once; any message carried elsewhere is dropped. */
export function takeFlash(path: string): string | undefined {
  const found = carried;
  carried = undefined;
  return found?.path === path ? found.message : undefined;
}
