/**
 * The types of the permission words (core/permission-words.ts) for the console, which imports
 * only types: it restates the words in constants of these types, so they cannot drift.
 */
export type { GroupPermissionWords, PatLevelWords } from '../../core/permission-words.ts';
