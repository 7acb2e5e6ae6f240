import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settings } from './config.ts';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      publicUrl: 'http://127.0.0.1:8080',
      tokenPrefix: 'thub_',
      signup: 'open',
      hubJwtTtlSeconds: 600,
      registryService: 'tokenhub-registry',
      registryIssuer: 'tokenhub',
      registryTokenTtlSeconds: 300,
    });
    expect(config.database).toMatchObject({ dialect: 'sqlite' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the registry URL and notification secret, both unset by default', () => {
    expect(loadConfig({})).toMatchObject({ registryUrl: undefined, registryNotifySecret: undefined });
    const config = loadConfig({
      TOKENHUB_REGISTRY_URL: 'http://registry:5000/',
      TOKENHUB_REGISTRY_NOTIFY_SECRET: '0123456789abcdef',
    });
    expect(config).toMatchObject({
      registryUrl: 'http://registry:5000',
      registryNotifySecret: '0123456789abcdef',
    });
  });

  it('reads PostgreSQL URLs and strips a trailing slash from the public URL', () => {
    const config = loadConfig({
      TOKENHUB_DATABASE_URL: 'postgres://u:p@db:5432/x',
      TOKENHUB_PUBLIC_URL: 'https://hub.example.com/',
    });
    expect(config.database).toEqual({ dialect: 'postgres', url: 'postgres://u:p@db:5432/x' });
    expect(config.publicUrl).toBe('https://hub.example.com');
  });

  it.each([
    ['TOKENHUB_PORT', 'eighty'],
    ['TOKENHUB_PORT', '70000'],
    ['TOKENHUB_SIGNUP', 'maybe'],
    ['TOKENHUB_DATABASE_URL', 'mysql://x'],
    ['TOKENHUB_PUBLIC_URL', 'not a url'],
    ['TOKENHUB_PUBLIC_URL', 'ftp://x'],
    ['TOKENHUB_TOKEN_PREFIX', 'Bad-'],
    ['TOKENHUB_HUB_JWT_TTL_SECONDS', '5'],
    ['TOKENHUB_LOG_LEVEL', 'loud'],
    ['TOKENHUB_REPOSITORY_DEFAULT_PRIVATE', 'yes'],
    ['TOKENHUB_REGISTRY_URL', 'registry:5000'],
    ['TOKENHUB_REGISTRY_NOTIFY_SECRET', 'short'],
    ['TOKENHUB_REGISTRY_NOTIFY_SECRET', 'has a space inside it'],
  ])('names %s when it is "%s"', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('never puts a database password in an error', () => {
    expect(() => loadConfig({ TOKENHUB_DATABASE_URL: 'mysql://u:hunter2@x' })).toThrow(/u:\*\*\*@/);
  });
});

describe('TOKENHUB_TRUST_PROXY', () => {
  it('is off by default, and takes true or a list of proxies', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TOKENHUB_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TOKENHUB_TRUST_PROXY: '10.0.0.0/8, 192.168.1.5' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.5',
    ]);
    expect(() => loadConfig({ TOKENHUB_TRUST_PROXY: 'everyone' })).toThrow('TOKENHUB_TRUST_PROXY');
  });
});

describe('each setting stated once', () => {
  it('the documented default is the value an empty environment gives', () => {
    const config = loadConfig({});
    expect(String(config.port)).toBe(settings.port.default);
    expect(String(config.hubJwtTtlSeconds)).toBe(settings.hubJwtTtlSeconds.default);
    expect(config.logLevel).toBe(settings.logLevel.default);
    expect(config.rateLimits.patCreate).toEqual({ limit: 50, windowSeconds: 3600 });
    expect(settings.rateLimits.patCreate.default).toBe('50/1h');
  });

  it('the documented range is the enforced one', () => {
    expect(settings.registryTokenTtlSeconds.description).toContain('(60-3600)');
    expect(loadConfig({ TOKENHUB_REGISTRY_TOKEN_TTL_SECONDS: '60' }).registryTokenTtlSeconds).toBe(60);
    expect(loadConfig({ TOKENHUB_REGISTRY_TOKEN_TTL_SECONDS: '3600' }).registryTokenTtlSeconds).toBe(3600);
    expect(() => loadConfig({ TOKENHUB_REGISTRY_TOKEN_TTL_SECONDS: '59' })).toThrow('between 60 and 3600');
    expect(() => loadConfig({ TOKENHUB_REGISTRY_TOKEN_TTL_SECONDS: '3601' })).toThrow('between 60 and 3600');
  });

  it('defaults given by a command yield to the environment', () => {
    expect(loadConfig({}, { TOKENHUB_LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(loadConfig({ TOKENHUB_LOG_LEVEL: 'debug' }, { TOKENHUB_LOG_LEVEL: 'warn' }).logLevel).toBe(
      'debug',
    );
  });
});
