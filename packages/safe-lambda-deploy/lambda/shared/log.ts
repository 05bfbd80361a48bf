/** One structured log line per event, JSON so that CloudWatch Logs Insights can query it. */
export type Log = (level: 'INFO' | 'WARN' | 'ERROR', message: string, fields?: Record<string, unknown>) => void;

export const consoleLog: Log = (level, message, fields = {}) => {
  const line = JSON.stringify({ level, message, ...fields }, errorsAsText);
  if (level === 'ERROR') console.error(line);
  else if (level === 'WARN') console.warn(line);
  else console.log(line);
};

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? `${value.name}: ${value.message}` : value;
}
