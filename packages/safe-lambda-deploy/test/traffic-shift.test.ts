import { TrafficShift } from '../src';

describe('TrafficShift', () => {
  test('predefined shifts carry CodeDeploy\'s names and steps', () => {
    expect(TrafficShift.ALL_AT_ONCE).toMatchObject({ name: 'AllAtOnce', percentage: undefined, intervalMinutes: undefined });
    expect(TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE).toMatchObject({ name: 'Linear10PercentEvery1Minute', percentage: 10, intervalMinutes: 1 });
    expect(TrafficShift.CANARY_10_PERCENT_5_MINUTES).toMatchObject({ name: 'Canary10Percent5Minutes', percentage: 10, intervalMinutes: 5 });
  });

  test('custom shifts are named after their steps', () => {
    expect(TrafficShift.linear(25, 2).name).toBe('Linear25PercentEvery2Minutes');
    expect(TrafficShift.canary(5, 1).name).toBe('Canary5Percent1Minute');
  });

  test.each([
    ['linear', 0, 1, /TrafficShift.linear: percentage must be a whole number from 1 to 99, got 0/],
    ['linear', 100, 1, /percentage must be a whole number from 1 to 99, got 100 \(to move all traffic in one step use TrafficShift.ALL_AT_ONCE\)/],
    ['canary', 150, 5, /TrafficShift.canary: percentage must be a whole number from 1 to 99, got 150/],
    ['canary', 12.5, 5, /percentage must be a whole number from 1 to 99, got 12.5/],
    ['linear', 10, 0, /TrafficShift.linear: intervalMinutes must be a whole number of minutes, at least 1, got 0/],
    ['canary', 10, 1.5, /TrafficShift.canary: intervalMinutes must be a whole number of minutes, at least 1, got 1.5/],
  ] as const)('fails on %s(%p, %p)', (kind, percentage, interval, message) => {
    expect(() => TrafficShift[kind](percentage, interval)).toThrow(message);
  });
});
