/**
 * One state update of an alarm's history, as both build-account functions read it (the bake,
 * and the failure notifier naming the alarm of a revert). HistoryData of a state update is JSON
 * with the old and the new state; the new state's reason carries the datapoint that crossed:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_AlarmHistoryItem.html
 */
export interface AlarmStateChange {
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
}

/** The change a state update's HistoryData records; fields it does not hold (or JSON it is not) are left out. */
export function alarmStateChange(historyData: string | undefined): AlarmStateChange {
  let data: any;
  try {
    data = JSON.parse(historyData ?? '');
  } catch {
    return {};
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const from = text(data?.oldState?.stateValue);
  const to = text(data?.newState?.stateValue);
  const reason = text(data?.newState?.stateReason);
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(reason !== undefined ? { reason } : {}) };
}
