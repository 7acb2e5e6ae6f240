/**
 * `--help` of every user command (walked in process over the command tree) shows an example, and
 * the installed binary prints it with exit code 0.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerOrgUserCommands } from '../../src/cli/user/org.commands.ts';
import { registerRepoCommands } from '../../src/cli/user/repo.commands.ts';
import { registerTokenCommands } from '../../src/cli/user/token.commands.ts';
import { registerUserCommands } from '../../src/cli/user/user.commands.ts';
import { runCommand } from '../support/clients.ts';
import { bin } from './cli-harness.ts';

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

function allCommands(command: Command, path: string[] = []): [string, Command][] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [[here.join(' '), sub] as [string, Command], ...allCommands(sub, here)];
  });
}

describe('tokenhub --help', () => {
  const program = new Command('tokenhub');
  registerUserCommands(program);
  registerTokenCommands(program);
  registerOrgUserCommands(program);
  registerRepoCommands(program);
  const commands = allCommands(program);

  it('covers every user command', () => {
    expect(commands.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'login',
        'token rm',
        'org token update',
        'org invite create',
        'repo set-visibility',
      ]),
    );
    expect(commands.length).toBeGreaterThanOrEqual(30);
  });

  it.each(commands)('%s has a description and an example', (_name, command) => {
    expect(command.description()).not.toBe('');
    expect(helpOf(command)).toMatch(/\nExamples?:\n {2}tokenhub /);
  });

  it('the binary prints it and exits 0', async () => {
    const res = await runCommand(process.execPath, [bin, 'org', 'token', 'create', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage: tokenhub org token create [options] <org>');
    expect(res.stdout).toContain('--repo <repo:action>');
  });
});
