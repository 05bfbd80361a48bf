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
      "github.repo must be a GitHub repository name (at most 100 letters, digits, '.', '_' and '-'; not '.' or '..'; no '.git' suffix), got 'https://github.com/example-org/crosswalk.git'; use the second part of github.com/<owner>/<repo>, without '.git'",
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

  test('stage rollback and a deployment window are set per environment, and a bad window names the field', () => {
    const config = loadConfig({ environments: { prod: { rollbackOnFailure: false, deploymentWindow: { cron: '* 0-59 9-16 ? * MON-THU', timeZone: 'Europe/Berlin' } } } }, {});
    expect(config.environments.prod.rollbackOnFailure).toBe(false);
    expect(config.environments.dev.rollbackOnFailure).toBe(true);
    expect(config.environments.prod.deploymentWindow).toEqual({ cron: '* 0-59 9-16 ? * MON-THU', timeZone: 'Europe/Berlin' });
    expect(() => loadConfig({ environments: { prod: { deploymentWindow: { cron: '0 9 * * 1' } } } }, {}))
      .toThrow(/environments\.prod\.deploymentWindow\.cron must have 6 fields and an optional year .* got '0 9 \* \* 1' \(5 fields\)/);
    expect(() => loadConfig({ environments: { prod: { deploymentWindow: { cron: '* 0-59 9-16 ? * MON-THU', timeZone: 'Berlin' } } } }, {}))
      .toThrow(/environments\.prod\.deploymentWindow\.timeZone must be an IANA time zone such as 'Europe\/Berlin' or 'UTC', got 'Berlin'/);
    expect(() => loadConfig({ environments: { prod: { deploymentWindow: { cron: '* 0-59 9-16 ? * MON-THU', every: 'day' } as any } } }, {}))
      .toThrow(/environments\.prod\.deploymentWindow\.every is not a config field/);
    expect(() => loadConfig({ environments: { dev: { rollbackOnFailure: 'yes' as any } } }, {})).toThrow(/environments\.dev\.rollbackOnFailure must be/);
  });

  test('fails on a deployment window CodePipeline would refuse or that never opens, as CodePipeline reads the cron', () => {
    const windowProblems = (cron: string) => problemsOf({ environments: { prod: { deploymentWindow: { cron } } } });
    expect(windowProblems('0 0-59 9-16 ? * MON-THU')).toEqual([expect.stringMatching(/^environments\.prod\.deploymentWindow\.cron '0 0-59 9-16 \? \* MON-THU': the seconds field takes only '\*'/)]);
    expect(windowProblems('* 0 9 30 FEB ?')).toEqual([expect.stringMatching(/^environments\.prod\.deploymentWindow\.cron '\* 0 9 30 FEB \?' can never open/)]);
    expect(windowProblems('* 0 9 ? * MON 2020')).toEqual([expect.stringMatching(/can never open/)]);
    expect(windowProblems('a b c d e f')).toEqual([expect.stringMatching(/the seconds field takes only '\*'/)]);
    expect(windowProblems('* 0 25 ? * MON')).toEqual([expect.stringMatching(/the hours field takes 0-23, got 25/)]);
  });

  test('fails on newlines and direction controls in a deployment window without repeating them raw', () => {
    const problems = problemsOf({ environments: { prod: { deploymentWindow: { cron: '* 0 9 ? * MON\n  - approved by security', timeZone: 'UTC\u202e' } } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^environments\.prod\.deploymentWindow\.cron must be printable ASCII on one line/);
    expect(problems[0]).toContain('\\n  - approved by security');
    expect(problemsOf({ environments: { prod: { deploymentWindow: { cron: '* 0 9 ? * MON', timeZone: 'UTC\u202e' } } } })[0]).toContain("got 'UTC\\u202e'");
    for (const problem of problems) expect(problem).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
  });

  test('the bake and the review\'s approval policy are set per environment and checked like the rest', () => {
    expect(loadConfig({}, {}).environments.prod).toMatchObject({ bakeMinutes: 10, requireApproval: true });
    expect(loadConfig({}, {}).environments.prod.rollbackOnFailure).toBeUndefined();
    expect(loadConfig({ environments: { dev: { bakeMinutes: 5 }, prod: { autoApprove: 'lowRisk' } } }, {}).environments)
      .toMatchObject({ dev: { bakeMinutes: 5 }, prod: { autoApprove: 'lowRisk' } });
    // An alarm reverts prod's release by default (rollback triggers): CloudFormation watches at most 180 minutes.
    expect(problemsOf({ environments: { prod: { bakeMinutes: 240 } } })).toEqual([
      expect.stringMatching(/^environments\.prod\.bakeMinutes must be at most 180 when an alarm reverts the release, got 240: .*set revertOnAlarm: false to bake longer/),
    ]);
    expect(loadConfig({ environments: { prod: { bakeMinutes: 240, revertOnAlarm: false } } }, {}).environments.prod).toMatchObject({ bakeMinutes: 240, revertOnAlarm: false });
    expect(problemsOf({ environments: { dev: { revertOnAlarm: true } } })).toEqual([
      'environments.dev.revertOnAlarm needs requireApproval: true (the revert rides on the reviewed change set, created with the alarms as rollback triggers); remove it or set requireApproval',
    ]);
    expect(problemsOf({ environments: { prod: { bakeMinutes: 1440 } } })).toEqual([
      'environments.prod.bakeMinutes must be a whole number from 0 to 1380, got 1440; the bake is a Lambda invoke action, which CodePipeline fails after 24 hours (https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html)',
    ]);
    expect(problemsOf({ environments: { dev: { bakeMinutes: 2.5 } } })).toEqual(['environments.dev.bakeMinutes must be a whole number from 0 to 1380, got 2.5']);
    expect(problemsOf({ environments: { prod: { autoApprove: 'always' as never } } })).toEqual(["environments.prod.autoApprove must be one of never, noChanges, lowRisk, got 'always'"]);
    expect(problemsOf({ environments: { dev: { autoApprove: 'lowRisk' } } })).toEqual([
      'environments.dev.autoApprove needs requireApproval: true (it decides when a reviewed change needs no person); remove it or set requireApproval',
    ]);
    expect(problemsOf({ environments: { prod: { rollbackOnFailure: true } } })).toEqual([
      'environments.prod.rollbackOnFailure cannot be true with requireApproval: a stage rollback would re-execute a change set, which CloudFormation deletes once executed; ' +
      'remove rollbackOnFailure (CloudFormation rolls back a failed execution, CodeDeploy a traffic shift on alarm)',
    ]);
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
      'environments.dev.throttling.burstLimit must be a whole number from 1 to 5000, got 0',
      'environments.dev.alarms.api5xxErrors must be a whole number from 1 to 605000, got 0.5',
    ]);
  });

  test('fails on a misspelt field instead of ignoring it', () => {
    expect(problemsOf({ acounts: { dev: '444444444444' } } as Record<string, unknown>)).toEqual([
      'acounts is not a config field; check its spelling (the fields at the top level are projectName, region, accounts, github, notifications, approvers, selfUpdate, environments, waves, regions)',
    ]);
    expect(problemsOf({ environments: { prod: { retain: true } } } as Record<string, unknown>)).toEqual([
      'environments.prod.retain is not a config field; check its spelling (the fields of environments.prod are trafficShift, requireApproval, logRetentionDays, throttling, alarms, retainData, rollbackOnFailure, deploymentWindow, bakeMinutes, autoApprove, revertOnAlarm)',
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

/** The problems of a config override file with this text, loaded through CROSSWALK_CONFIG. */
function problemsOfFile(text: string): readonly string[] {
  const dir = mkdtempSync(join(tmpdir(), 'crosswalk-config-'));
  try {
    const file = join(dir, 'crosswalk.json');
    writeFileSync(file, text);
    try {
      loadConfig(undefined, { [CONFIG_ENV_VAR]: file });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
    throw new Error('expected the config file to be rejected');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The whole error a config with these overrides is rejected with. */
function errorOf(overrides: unknown): ConfigError {
  try {
    loadConfig(overrides as PartialConfig, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the config to be rejected');
}

const CONNECTION_ID = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
const GOV = { region: 'us-gov-west-1' };

describe('keys that would reach the prototype', () => {
  test('a top-level __proto__ in the file is an unknown field, not the prototype of the config', () => {
    expect(problemsOfFile('{"__proto__": {"approvers": {"groupName": "Smuggled"}}}')).toEqual([
      "__proto__ is not a config field; a JSON key '__proto__', 'constructor' or 'prototype' would reach the object's prototype, so remove it (the fields at the top level are projectName, region, accounts, github, notifications, approvers, selfUpdate, environments, waves, regions)",
    ]);
  });

  test('a nested __proto__ is refused and its fields reach nothing', () => {
    expect(problemsOfFile('{"environments": {"prod": {"__proto__": {"retainData": false}}}}')).toEqual([
      expect.stringMatching(/^environments\.prod\.__proto__ is not a config field; .*\(the fields of environments\.prod are trafficShift, /),
    ]);
    expect(problemsOfFile('{"approvers": {"__proto__": {"groupName": "Smuggled"}}}')).toEqual([
      expect.stringMatching(/^approvers\.__proto__ is not a config field; /),
    ]);
    const arn = `arn:aws:codeconnections:eu-west-1:111111111111:connection/${CONNECTION_ID}`;
    expect(problemsOfFile(`{"github": {"__proto__": {"connectionArn": "${arn}"}}}`)).toEqual([
      expect.stringMatching(/^github\.__proto__ is not a config field; /),
    ]);
  });

  test.each(['constructor', 'prototype'])('a %s key is refused at the top level and nested, saying why', (key) => {
    const why = "is not a config field; a JSON key '__proto__', 'constructor' or 'prototype' would reach the object's prototype, so remove it";
    expect(problemsOfFile(`{"${key}": {"approvers": {}}}`)).toEqual([expect.stringContaining(`${key} ${why} (the fields at the top level are `)]);
    expect(problemsOfFile(`{"notifications": {"${key}": {}}}`)).toEqual([expect.stringContaining(`notifications.${key} ${why} (the fields of notifications are `)]);
  });

  test('an override object with its own prototype (a __proto__ literal in code) is refused, not half-read', () => {
    const overrides = { approvers: { __proto__: { groupName: 'Smuggled' } } };
    expect(problemsOf(overrides as Record<string, unknown>)).toEqual([
      expect.stringMatching(/^approvers must be a plain object .*got one with its own prototype/),
    ]);
  });

  test('validateConfig refuses inherited and hidden fields', () => {
    const github = Object.create({ connectionArn: `arn:aws:codeconnections:eu-west-1:111111111111:connection/${CONNECTION_ID}` });
    Object.assign(github, EXAMPLE_CONFIG.github);
    expect(() => validateConfig({ ...EXAMPLE_CONFIG, github })).toThrow(/github must be a plain object/);
    const hidden = { ...EXAMPLE_CONFIG.notifications };
    Object.defineProperty(hidden, 'notifyOnSuccess', { value: true, enumerable: false });
    expect(() => validateConfig({ ...EXAMPLE_CONFIG, notifications: hidden })).toThrow(/notifications\.notifyOnSuccess must be a plain field/);
  });

  test('deepMerge keeps __proto__ an ordinary key and never changes a prototype', () => {
    const merged = deepMerge({ a: 1 } as Record<string, unknown>, JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"x": 1}}'));
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['a', '__proto__', 'constructor']);
    expect((merged as any).polluted).toBeUndefined();
    expect(({} as any).polluted).toBeUndefined();
  });
});

describe('notification emails', () => {
  test('the same address twice is refused, also when only the case differs', () => {
    expect(problemsOf({ notifications: { emails: ['ops@example.com', 'dev@example.com', 'Ops@Example.com'] } })).toEqual([
      "notifications.emails[2] 'Ops@Example.com' is notifications.emails[0] 'ops@example.com' again (addresses are compared without case); list each address once",
    ]);
  });

  test('an address longer than 254 characters is refused', () => {
    const long = `${'a'.repeat(60)}@${'b'.repeat(200)}.com`;
    const [problem, ...rest] = problemsOf({ notifications: { emails: [long] } });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^notifications\.emails\[0\] is 265 octets long \(UTF-8\), got 'a+@b+…b+\.com' \(265 characters\); an email address has at most 254, so fix or remove that entry$/);
  });

  test('a local part longer than 64 characters is refused', () => {
    expect(problemsOf({ notifications: { emails: [`${'a'.repeat(65)}@example.com`] } })[0])
      .toMatch(/^notifications\.emails\[0\] has a local part \(before '@'\) of 65 octets \(UTF-8\), .*at most 64/);
  });

  test('more than 100 addresses are refused', () => {
    const emails = Array.from({ length: 101 }, (_, i) => `user${i}@example.com`);
    expect(problemsOf({ notifications: { emails } })).toEqual([
      expect.stringMatching(/^notifications\.emails lists 101 addresses; at most 100 /),
    ]);
  });

  test('a hole in the list is refused, not skipped', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(problemsOf({ notifications: { emails: [, 'ops@example.com'] as string[] } })).toEqual([
      "notifications.emails[0] must be an email address such as 'team@example.com', got nothing; fix or remove that entry",
    ]);
  });
});

describe('project names and the names derived from them', () => {
  test.each([
    ['xn--crosswalk', "starts with the reserved prefix 'xn--'"],
    ['Sthree', "starts with the reserved prefix 'sthree-'"],
    ['sthree-configurator', "starts with the reserved prefix 'sthree-'"],
    ['amzn-s3-demo', "starts with the reserved prefix 'amzn-s3-demo-'"],
    ['xn-', "starts with the reserved prefix 'xn--'"],
  ])('%s makes the artifact bucket name illegal', (projectName, reason) => {
    const [problem, ...rest] = problemsOf({ projectName });
    expect(rest).toEqual([]);
    expect(problem).toBe(`projectName '${projectName}' makes the artifact bucket name '${projectName.toLowerCase()}-artifacts-111111111111-eu-west-1' illegal: it ${reason} (S3's bucket naming rules); choose a project name without it, such as 'Crosswalk'`);
  });

  test('aws makes the artifact key alias reserved', () => {
    expect(problemsOf({ projectName: 'aws' })).toEqual([
      "projectName 'aws' makes the artifact key alias 'alias/aws/eu-west-1/artifacts', which KMS reserves for AWS managed keys (alias/aws/); choose another project name, such as 'Crosswalk'",
    ]);
  });

  test('a project name that only resembles a reserved prefix is accepted', () => {
    expect(loadConfig({ projectName: 'xn-crosswalk' }, {}).projectName).toBe('xn-crosswalk');
    expect(loadConfig({ projectName: 'sthreeapp' }, {}).projectName).toBe('sthreeapp');
  });
});

describe('regions and partitions', () => {
  test.each([
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('%s is refused with the partitions that are supported', (region, partition) => {
    expect(problemsOf({ region })).toEqual([
      `region '${region}' is in the ${partition} partition, which Crosswalk does not support; use a region of the aws (commercial) or aws-us-gov (AWS GovCloud (US)) partition, such as 'eu-west-1' or 'us-gov-west-1'`,
    ]);
  });

  test('GovCloud is accepted', () => {
    expect(loadConfig(GOV, {}).region).toBe('us-gov-west-1');
  });

  test('an unknown region lists only the supported regions', () => {
    const [problem] = problemsOf({ region: 'eu-west-9' });
    expect(problem).toContain('us-gov-west-1');
    expect(problem).not.toContain('cn-north-1');
    expect(problem).not.toContain('us-iso-east-1');
  });
});

describe('github.connectionArn', () => {
  test('a commercial-partition ARN with a GovCloud region is refused', () => {
    const arn = `arn:aws:codeconnections:us-gov-west-1:111111111111:connection/${CONNECTION_ID}`;
    expect(problemsOf({ ...GOV, github: { connectionArn: arn } })).toEqual([
      `github.connectionArn '${arn}' does not fit the config: its partition is 'aws', but region us-gov-west-1 is in 'aws-us-gov'; use a connection of the build account (111111111111) in us-gov-west-1, or leave the field out to have one created`,
    ]);
  });

  test('a connection of another account or region is refused', () => {
    const arn = `arn:aws:codestar-connections:eu-central-1:222222222222:connection/${CONNECTION_ID}`;
    expect(problemsOf({ github: { connectionArn: arn } })).toEqual([
      `github.connectionArn '${arn}' does not fit the config: its region is 'eu-central-1', but the pipeline runs in eu-west-1 (a source action cannot be in another region); its account is '222222222222', but accounts.build is 111111111111; use a connection of the build account (111111111111) in eu-west-1, or leave the field out to have one created`,
    ]);
  });

  test('both service prefixes are accepted in GovCloud', () => {
    for (const service of ['codestar-connections', 'codeconnections']) {
      const arn = `arn:aws-us-gov:${service}:us-gov-west-1:111111111111:connection/${CONNECTION_ID}`;
      expect(loadConfig({ ...GOV, github: { connectionArn: arn } }, {}).github.connectionArn).toBe(arn);
    }
  });
});

describe('CROSSWALK_CONFIG', () => {
  test.each(['', '   ', '\t\n'])('set but blank (%j) is an error, not the example', (value) => {
    expect(() => loadConfig(undefined, { [CONFIG_ENV_VAR]: value })).toThrow(
      new RegExp(`^The Crosswalk config \\(${CONFIG_ENV_VAR}\\) has 1 problem:\\n {2}- ${CONFIG_ENV_VAR} is set but blank \\('.*'\\); set it to the path of a JSON config file, or unset it to use the built-in example$`),
    );
  });

  test('a blank path argument is an error', () => {
    expect(() => loadConfig(' ', {})).toThrow(/the config file path given to loadConfig is blank \(' '\); give the path of a JSON config file/);
  });

  test('a path that is not a regular file is refused before it is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosswalk-config-'));
    try {
      expect(() => loadConfig(undefined, { [CONFIG_ENV_VAR]: dir })).toThrow(/is not a regular file \(a directory\); set CROSSWALK_CONFIG to the path of an existing JSON file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file over 1 MiB is refused before it is parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosswalk-config-'));
    try {
      const file = join(dir, 'big.json');
      const text = `{"projectName": "${'a'.repeat(1024 * 1024)}"}`;
      writeFileSync(file, text);
      expect(() => loadConfig(file, {})).toThrow(new RegExp(`big\\.json is ${Buffer.byteLength(text)} bytes; a config file has at most 1048576 `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('loadConfig refuses something that is neither a path nor overrides', () => {
    expect(() => loadConfig(null as never, {})).toThrow(/loadConfig takes the path of a JSON config file or an object of overrides, got null/);
  });
});

describe('throttling and alarm bounds', () => {
  test('a rate or burst beyond API Gateway\'s account-level quota is refused', () => {
    expect(problemsOf({ environments: { prod: { throttling: { rateLimit: 1e308, burstLimit: 1e15 } } } })).toEqual([
      "environments.prod.throttling.rateLimit must be a number from 0.001 to 10000, got 1e+308; API Gateway's default account-level quota per Region is 10,000 requests per second, which a stage cannot exceed",
      "environments.prod.throttling.burstLimit must be a whole number from 1 to 5000, got 1000000000000000; API Gateway's account-level burst bucket holds at most 5,000 requests, which a stage cannot exceed",
    ]);
  });

  test('a burst below the rate is refused', () => {
    expect(problemsOf({ environments: { dev: { throttling: { rateLimit: 100, burstLimit: 50 } } } })).toEqual([
      'environments.dev.throttling.burstLimit 50 is below rateLimit 100: a bucket smaller than a second of requests turns away bursts the rate allows; set burstLimit to at least 100 (or lower rateLimit)',
    ]);
  });

  test.each([
    ['a fraction', 10.5],
    ['negative', -1],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a string', '100'],
  ])('a burst that is %s is refused', (_what, burstLimit) => {
    expect(problemsOf({ environments: { dev: { throttling: { burstLimit: burstLimit as number } } } })).toEqual([
      expect.stringMatching(/^environments\.dev\.throttling\.burstLimit must be a whole number from 1 to 5000, got /),
    ]);
  });

  test('a negative or NaN rate is refused', () => {
    expect(problemsOf({ environments: { dev: { throttling: { rateLimit: -5 } } } })[0]).toMatch(/^environments\.dev\.throttling\.rateLimit must be a number from 0\.001 to 10000, got -5/);
    expect(problemsOf({ environments: { dev: { throttling: { rateLimit: NaN } } } })[0]).toMatch(/got NaN/);
  });

  test('an alarm threshold the stage can never reach is refused', () => {
    expect(problemsOf({ environments: { dev: { alarms: { api5xxErrors: 1e15, lambdaErrors: 3101 } } } })).toEqual([
      'environments.dev.alarms.api5xxErrors must be a whole number from 1 to 3100, got 1000000000000000; the stage lets at most 3100 requests through in a minute (rateLimit 50 × 60 + burstLimit 100), so a higher threshold is never reached and the alarm never rolls a deployment back',
      'environments.dev.alarms.lambdaErrors must be a whole number from 1 to 3100, got 3101; the stage lets at most 3100 requests through in a minute (rateLimit 50 × 60 + burstLimit 100), so a higher threshold is never reached and the alarm never rolls a deployment back',
    ]);
  });
});

describe('github repository and branch', () => {
  test.each(['x.git', 'crosswalk.GIT', '.', '..', 'a'.repeat(101), 'a/b'])('repository %j is refused', (repo) => {
    expect(problemsOf({ github: { repo } })).toEqual([expect.stringMatching(/^github\.repo must be a GitHub repository name \(/)]);
  });

  test('the .git suffix gets its own fix', () => {
    expect(problemsOf({ github: { repo: 'crosswalk.git' } })).toEqual([
      "github.repo must be a GitHub repository name (at most 100 letters, digits, '.', '_' and '-'; not '.' or '..'; no '.git' suffix), got 'crosswalk.git'; use the second part of github.com/<owner>/<repo>, without '.git'",
    ]);
  });

  test('a repository name of 100 characters with dots is accepted', () => {
    const repo = `a.${'b'.repeat(98)}`;
    expect(loadConfig({ github: { repo } }, {}).github.repo).toBe(repo);
  });

  test.each([
    ['a..b', "contains '..'"],
    ['a\u0007b', 'contains a control character'],
    ['a b', "contains ' '"],
    ['a~1', "contains '~'"],
    ['a^', "contains '^'"],
    ['a:b', "contains ':'"],
    ['a?', "contains '?'"],
    ['a*', "contains '*'"],
    ['a[b', "contains '['"],
    ['a\\b', "contains '\\'"],
    ['feature/', "ends with '/'"],
    ['/feature', "starts with '/'"],
    ['a.lock', "has a component ending with '.lock'"],
    ['a.lock/b', "has a component ending with '.lock'"],
    ['a.', "ends with '.'"],
    ['a@{1}', "contains '@{'"],
    ['@', "is '@'"],
    ['a//b', "contains '//'"],
    ['.hidden', "has a component starting with '.'"],
    ['feature/.x', "has a component starting with '.'"],
    ['-x', "starts with '-'"],
    ['HEAD', "is 'HEAD'"],
    ['refs/heads/main', "is a full ref name (starts with 'refs/')"],
  ])('branch %j is refused: it %s', (branch, reason) => {
    const [problem, ...rest] = problemsOf({ github: { branch } });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^github\.branch must be a branch name git accepts \(git check-ref-format\), got '.*', which /);
    expect(problem).toContain(`, which ${reason}; use the branch the pipeline builds, such as 'main'`);
  });

  test.each(['main', 'release/1.2', 'feature/x-y_z', 'a@b', 'é'])('branch %j is accepted', (branch) => {
    expect(loadConfig({ github: { branch } }, {}).github.branch).toBe(branch);
  });
});

describe('every echoed value is shortened', () => {
  const huge = 'x'.repeat(100_000);
  const cases: Array<[string, unknown]> = [
    ['projectName', { projectName: huge }],
    ['projectName (no letter start)', { projectName: `1${huge}` }],
    ['region', { region: huge }],
    ['accounts.dev', { accounts: { dev: huge } }],
    ['github.owner', { github: { owner: huge } }],
    ['github.repo', { github: { repo: huge } }],
    ['github.branch', { github: { branch: `${huge} x` } }],
    ['github.connectionArn', { github: { connectionArn: huge } }],
    ['notifications.emails', { notifications: { emails: [huge] } }],
    ['notifications.emails (not a list)', { notifications: { emails: huge } }],
    ['notifications.notifyOnSuccess', { notifications: { notifyOnSuccess: huge } }],
    ['approvers.groupName', { approvers: { groupName: huge } }],
    ['trafficShift', { environments: { prod: { trafficShift: huge } } }],
    ['logRetentionDays', { environments: { prod: { logRetentionDays: huge } } }],
    ['throttling', { environments: { prod: { throttling: huge } } }],
    ['an unknown field', { [huge]: 1 }],
    ['a nested unknown field', { environments: { prod: { [huge]: 1 } } }],
    ['a long list', { environments: huge.split('') }],
  ];

  test.each(cases)('%s', (_field, overrides) => {
    const error = errorOf(overrides);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].length).toBeLessThan(1000);
    expect(error.message.length).toBeLessThan(1000);
    expect(error.message).toMatch(/\(100,?00\d characters\)|…/);
  });

  test('a long path in CROSSWALK_CONFIG is shortened in the origin and the problem', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(undefined, { [CONFIG_ENV_VAR]: `/${'d'.repeat(100_000)}/crosswalk.json` });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message.length).toBeLessThan(1000);
    expect(error!.message).toContain('crosswalk.json');
  });

  test('a value that cannot be printed (a cycle) is described, not a crash', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(problemsOf({ github: { owner: cycle as never } })).toEqual([
      'github.owner must be a text value, got an unprintable object; set it to the GitHub user or organisation that owns the repository',
    ]);
  });

  test('control characters and line breaks are shown escaped, so a value cannot fake lines of the message', () => {
    const [problem] = problemsOf({ github: { owner: 'evil\n  - region is fine\u001b[31m' } });
    expect(problem).not.toMatch(/[\n\u001b]/);
    expect(problem).toContain("got 'evil\\n  - region is fine\\u001b[31m'");
  });

  test('a ConfigError caps each problem at 999 characters, whatever it is given', () => {
    const error = new ConfigError('given to the test', ['p'.repeat(5000)]);
    expect(error.problems[0]).toHaveLength(999);
    expect(error.problems[0].endsWith('…')).toBe(true);
    expect(error.message.length).toBeLessThan(1100);
  });

  test('an error lists at most 20 problems and says how many more there are', () => {
    const overrides = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`unknown${i}`, i]));
    const error = errorOf(overrides);
    expect(error.problems).toHaveLength(500);
    expect(error.message.split('\n')).toHaveLength(1 + 20 + 1);
    expect(error.message).toMatch(/\n {2}- … and 480 more problems \(ConfigError\.problems lists them all\)$/);
  });
});
