import { cdkCommand, parseArgs } from '../../src/tools/deploy-isolated';

describe('deploy-isolated', () => {
  test('deploys the one isolated stack with the caller\'s credentials, from source', () => {
    const request = parseArgs(['--prefix', 'alice'], {});
    expect(request).toEqual({ prefix: 'alice', action: 'deploy', assetsBucket: undefined, simulateFailure: false, cdkArgs: [] });
    expect(cdkCommand(request, 'Crosswalk-alice-SampleApi')).toEqual([
      'cdk', 'deploy', 'Crosswalk-alice-SampleApi', '--exclusively', '--require-approval', 'broadening',
      '--app', 'npx ts-node --transpile-only src/main.ts', '-c', 'isolated=alice',
    ]);
  });

  test('the prefix defaults to the user name, cleaned to what a stack name takes', () => {
    expect(parseArgs([], { USER: 'Alice.Smith' }).prefix).toBe('alicesmith');
  });

  test('fails when no prefix can be derived, saying how to give one', () => {
    expect(() => parseArgs([], { USER: '1234' })).toThrow("cannot derive a prefix from the user name '1234'; give one with --prefix <name>");
  });

  test('an assets bucket, the rollback demo and extra cdk arguments are passed on', () => {
    const request = parseArgs(['--prefix', 'bob', '--assets-bucket', 'bobs-bucket', '--simulate-failure', '--', '--profile', 'dev'], {});
    expect(cdkCommand(request, 'Crosswalk-bob-SampleApi').slice(8)).toEqual([
      '-c', 'isolated=bob', '-c', 'isolatedAssetsBucket=bobs-bucket', '-c', 'simulateFailureIn=bob', '--profile', 'dev',
    ]);
  });

  test('--destroy removes the copy and --synth-only only synthesizes it', () => {
    expect(cdkCommand(parseArgs(['--prefix', 'bob', '--destroy'], {}), 'S').slice(0, 4)).toEqual(['cdk', 'destroy', 'S', '--force']);
    expect(cdkCommand(parseArgs(['--prefix', 'bob', '--synth-only'], {}), 'S').slice(0, 4)).toEqual(['cdk', 'synth', 'S', '--quiet']);
  });

  test('fails on an unknown argument or a missing value, with the usage', () => {
    expect(() => parseArgs(['--prefx', 'alice'], {})).toThrow(/unknown argument '--prefx'; usage: deploy-isolated/);
    expect(() => parseArgs(['--prefix'], {})).toThrow(/--prefix needs a value; usage: deploy-isolated/);
  });
});
