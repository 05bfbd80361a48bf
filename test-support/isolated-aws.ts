import { captureLogLines } from './log-lines';

/**
 * A test's AWS environment with nothing to fall back on: no shared config or credentials
 * file, no instance metadata, only the variables the test sets. The functions under test log
 * JSON lines; their console output and their Powertools log lines are silenced while the test runs.
 */
export function isolateAws(variables: Record<string, string> = {}): () => void {
  const saved = { ...process.env };
  const spies = (['log', 'warn', 'error'] as const).map((method) => jest.spyOn(console, method).mockImplementation(() => undefined));
  const logLines = captureLogLines();
  process.env = {
    ...saved,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...variables,
  };
  return () => {
    for (const spy of spies) spy.mockRestore();
    logLines.restore();
    process.env = saved;
  };
}
