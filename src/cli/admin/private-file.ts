/**
 * Writing a file that holds private data (`admin export`): created with mode 0600 and exclusively
 * (an existing file is refused unless `force`), never through a symbolic link (a link planted at
 * the path cannot redirect the write), and an existing file overwritten with `force` keeps its own
 * mode, narrowed to at most 0600, never widened.
 */
import { closeSync, constants, fchmodSync, fstatSync, openSync, writeSync } from 'node:fs';
import { AppError } from '../../core/errors.ts';

/**
 * @throws AppError BAD_REQUEST when the file exists (without `force`), is a link or not a file.
 * @example writePrivateFile('backup.json', text, { force: false });
 */
export function writePrivateFile(path: string, text: string, options: { force: boolean }): void {
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NOFOLLOW |
    (options.force ? constants.O_TRUNC : constants.O_EXCL);
  let fd: number;
  try {
    fd = openSync(path, flags, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AppError('BAD_REQUEST', `${path} exists: pass --force to overwrite it`);
    if (code === 'ELOOP')
      throw new AppError('BAD_REQUEST', `${path} is a symbolic link: refusing to follow it`);
    throw new AppError('BAD_REQUEST', `cannot write ${path}: ${(error as Error).message}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new AppError('BAD_REQUEST', `${path} is not a regular file`);
    fchmodSync(fd, stats.mode & 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
