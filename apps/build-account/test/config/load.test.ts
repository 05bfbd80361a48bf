import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CONFIG_ENV_VAR, ConfigError, EXAMPLE_CONFIG, PartialConfig, deepMerge, loadConfig, validateConfig } from '../../src/config';

/** The problems a config with these overrides has (fails the test when it has none). */
function problemsOf(overrides: PartialConfig | Record<string, unknown>): readonly string[] {
  try {
    loadConfig(overrides as PartialConfig, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('loadConfig', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'crosswalk-config-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a fresh clone gets the built-in example, which is valid', () => {
    const config = loadConfig(undefined, {});
    expect(config).toEqual(EXAMPLE_CONFIG);
    expect(new Set(Object.values(config.accounts)).size).toBe(3);
    expect(config.environments.prod.requireApproval).toBe(true);
    expect(config.environments.prod.retainData).toBe(true);
    expect(config.environments.dev.trafficShift).toBe('AllAtOnce');
    expect(config.environments.prod.trafficShift).toBe('Linear10PercentEvery1Minute');
  });

  test('CROSSWALK_CONFIG names a JSON file deep-merged over the example', () => {
    const file = join(dir, 'crosswalk.json');
    writeFileSync(file, JSON.stringify({
      accounts: { dev: '444444444444' },
      notifications: { emails: ['ops@example.org', 'dev@example.org'] },
      environments: { prod: { throttling: { rateLimit: 10 } } },
    }));

    const config = loadConfig(undefined, { [CONFIG_ENV_VAR]: file });

    expect(config.accounts).toEqual({ build: '111111111111', dev: '444444444444', prod: '333333333333' });
    // arrays replace rather than append
    expect(config.notifications.emails).toEqual(['ops@example.org', 'dev@example.org']);
    // siblings of an overridden field keep the example's value
    expect(config.environments.prod.throttling).toEqual({ rateLimit: 10, burstLimit: 400 });
    expect(config.environments.prod.trafficShift).toBe('Linear10PercentEvery1Minute');
    expect(config.github).toEqual(EXAMPLE_CONFIG.github);
  });

  test('a path argument is read like CROSSWALK_CONFIG', () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ region: 'us-east-2' }));
    expect(loadConfig(file, {}).region).toBe('us-east-2');
  });

  test('fails with the path and the variable when the file cannot be read', () => {
    const missing = join(dir, 'missing.json');
    expect(() => loadConfig(undefined, { [CONFIG_ENV_VAR]: missing }))
      .toThrow(new RegExp(`cannot read the config file ${missing}.*set ${CONFIG_ENV_VAR} to the path of an existing JSON file`));
  });

  test('fails with the parser message when the file is not JSON', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "region": "eu-west-1", }');
    expect(() => loadConfig(file, {})).toThrow(/broken\.json is not valid JSON .*JSON allows no comments or trailing commas/);
  });

  test('fails when the file holds something other than an object', () => {
    const file = join(dir, 'list.json');
    writeFileSync(file, '["111111111111"]');
    expect(() => loadConfig(file, {})).toThrow(/the override must be a JSON object with config fields/);
  });

  test('fails when an account id is not 12 digits, naming the field and the value', () => {
    expect(problemsOf({ accounts: { dev: '2222' } })).toEqual([
      "accounts.dev must be a 12-digit AWS account id, got '2222'; write the dev account's id as a string of 12 digits, leading zeros included (for example \"012345678901\")",
    ]);
  });

  test('fails when an account id is written as a number', () => {
    expect(problemsOf({ accounts: { prod: 333333333333 as unknown as string } })).toEqual([
      'accounts.prod must be a text value, got 333333333333; set it to the 12-digit id of the prod account',
    ]);
  });

  test('fails when two of the three accounts are the same', () => {
    expect(problemsOf({ accounts: { prod: '222222222222' } })).toEqual([
      "accounts.dev and accounts.prod are both '222222222222'; the build, dev and prod accounts must be three distinct accounts (the account boundary is what keeps dev and prod apart), so give each its own account id",
    ]);
  });

  test('fails on an unknown region and lists the real ones', () => {
    const [problem, ...rest] = problemsOf({ region: 'eu-west-9' });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^region must be a real AWS region name, got 'eu-west-9'; use one of: .*eu-west-1.*us-east-1/);
  });

  test('fails on a malformed email, naming its position', () => {
    expect(problemsOf({ notifications: { emails: ['ok@example.com', 'ops.example.com'] } })).toEqual([
      "notifications.emails[1] must be an email address such as 'team@example.com', got 'ops.example.com'; fix or remove that entry",
    ]);
  });

  test.each(['owner', 'repo', 'branch'])('fails on an empty github.%s', (field) => {
    const [problem] = problemsOf({ github: { [field]: ' ' } });
    expect(problem).toMatch(new RegExp(`^github\\.${field} must not be empty, got ' '; set it to `));
  });

  test('fails on a repository given as a URL', () => {
    expect(problemsOf({ github: { repo: 'https://github.com/example-org/crosswalk.git' } })).toEqual([
      "github.repo must be a GitHub repository name (letters, digits, '.', '_' and '-'), got 'https://github.com/example-org/crosswalk.git'; use the second part of github.com/<owner>/<repo>, without '.git'",
    ]);
  });

  test('fails on a connection ARN that is not one', () => {
    const [problem] = problemsOf({ github: { connectionArn: 'arn:aws:s3:::not-a-connection' } });
    expect(problem).toMatch(/^github\.connectionArn must be the ARN of a CodeStar\/CodeConnections connection .*got 'arn:aws:s3:::not-a-connection'; copy it from Developer Tools > Settings > Connections in the build account/);
  });

  test('accepts both connection ARN services', () => {
    for (const service of ['codestar-connections', 'codeconnections']) {
      const arn = `arn:aws:${service}:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9`;
      expect(loadConfig({ github: { connectionArn: arn } }, {}).github.connectionArn).toBe(arn);
    }
  });

  test('fails on a bad project name with the naming convention\'s message', () => {
    expect(problemsOf({ projectName: '1st project' })).toEqual([
      "projectName must start with a letter and contain only letters, digits and hyphens, got '1st project'; every stack, role and bucket name derives from it, so choose one such as 'Crosswalk' or 'check-in'",
    ]);
  });

  test('fails on a project name too long for IAM role names', () => {
    const [problem] = problemsOf({ projectName: 'a'.repeat(30) });
    expect(problem).toMatch(/^projectName must be at most 24 characters .*got 'a{30}' \(30 characters\)/);
  });

  test('fails on an unknown traffic shift name and lists the known ones', () => {
    expect(problemsOf({ environments: { prod: { trafficShift: 'Linear50Percent' as never } } })).toEqual([
      "environments.prod.trafficShift must be one of AllAtOnce, Linear10PercentEvery1Minute, Linear10PercentEvery2Minutes, Linear10PercentEvery3Minutes, Linear10PercentEvery10Minutes, Canary10Percent5Minutes, Canary10Percent10Minutes, Canary10Percent15Minutes, Canary10Percent30Minutes, got 'Linear50Percent'; these are CodeDeploy's predefined Lambda deployment configs",
    ]);
  });

  test('fails on a log retention CloudWatch does not offer and names the nearest longer one', () => {
    const [problem] = problemsOf({ environments: { dev: { logRetentionDays: 10 } } });
    expect(problem).toMatch(/^environments\.dev\.logRetentionDays must be a retention CloudWatch Logs accepts \(1, 3, 5, 7, 14, .*\), got 10; the nearest longer one is 14$/);
  });

  test('fails on non-positive throttling and alarm thresholds', () => {
    expect(problemsOf({ environments: { dev: { throttling: { burstLimit: 0 }, alarms: { api5xxErrors: 0.5 } } } })).toEqual([
      'environments.dev.throttling.burstLimit must be a whole number of at least 1, got 0',
      'environments.dev.alarms.api5xxErrors must be a whole number of at least 1, got 0.5',
    ]);
  });

  test('fails on a misspelt field instead of ignoring it', () => {
    expect(problemsOf({ acounts: { dev: '444444444444' } } as Record<string, unknown>)).toEqual([
      'acounts is not a config field; check its spelling (the fields at the top level are projectName, region, accounts, github, notifications, approvers, environments)',
    ]);
    expect(problemsOf({ environments: { prod: { retain: true } } } as Record<string, unknown>)).toEqual([
      'environments.prod.retain is not a config field; check its spelling (the fields of environments.prod are trafficShift, requireApproval, logRetentionDays, throttling, alarms, retainData)',
    ]);
  });

  test('reports every problem at once, in one error message', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ region: 'mars-1', accounts: { build: 'abc' }, notifications: { emails: ['x'] }, github: { owner: '' } }, {});
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems).toHaveLength(4);
    expect(error?.message).toMatch(/^The Crosswalk config \(the built-in example merged with the overrides given to loadConfig\) has 4 problems:\n {2}- region .*\n {2}- accounts\.build .*\n {2}- github\.owner .*\n {2}- notifications\.emails\[0\] /);
  });
});

describe('validateConfig', () => {
  test('fails when a required section is missing', () => {
    const { environments: _omitted, ...withoutEnvironments } = EXAMPLE_CONFIG;
    expect(() => validateConfig(withoutEnvironments)).toThrow(/environments must be an object with the fields dev, prod, got nothing/);
  });
});

describe('deepMerge', () => {
  test('merges objects field by field and replaces arrays and plain values', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, e: true }))
      .toEqual({ a: { b: 1, c: [3] }, d: 'x', e: true });
  });

  test('leaves the base untouched', () => {
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});
