/** What a core rule throws: its `AppError` as code, message and fields, or undefined when it does not throw. */
import { AppError } from '../../src/core/errors.ts';

export function thrown(run: () => unknown): { code: string; message: string; fields: unknown } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { code: error.code, message: error.message, fields: error.fields };
  }
}
