import { loadHookSetup } from '../../lambda/shared/config';
import { compareAnswer, readAnswer, resolveUrl } from '../../lambda/shared/checks';
import { CONFIG_ENV, TARGET_ENV } from '../../src/contract/hook-config';

const valid = {
  hook: 'post-traffic',
  invocations: [{ name: 'i', event: {}, responseKind: 'FUNCTION_URL', expectedStatusCode: 200, expectedBodyContains: [] }],
  httpChecks: [{ name: 'h', path: '/version', headers: {}, expectedStatusCode: 200, expectedBodyContains: ['ok'] }],
  baseUrlParameterName: '/crosswalk/api-url',
  checkTimeoutMs: 30_000,
  reportReserveMs: 10_000,
};

describe('loadHookSetup', () => {
  test('reads the target and the checks the construct wrote', () => {
    expect(loadHookSetup({ [TARGET_ENV]: 'arn:aws:lambda:eu-west-1:111111111111:function:f:live', [CONFIG_ENV]: JSON.stringify(valid) }))
      .toEqual({ ok: true, target: 'arn:aws:lambda:eu-west-1:111111111111:function:f:live', config: valid });
  });

  test.each([
    ['no target', {}, `${TARGET_ENV} is not set`],
    ['no config', { [TARGET_ENV]: 'arn' }, `${CONFIG_ENV} is not set`],
    ['a config that is not an object', { [TARGET_ENV]: 'arn', [CONFIG_ENV]: '42' }, `${CONFIG_ENV} must be a JSON object`],
    ['checks of the wrong shape', { [TARGET_ENV]: 'arn', [CONFIG_ENV]: JSON.stringify({ ...valid, invocations: [{ name: 'i' }], checkTimeoutMs: 0 }) },
      `${CONFIG_ENV} is invalid: invocations[0].responseKind must be one of API_GATEWAY_PROXY, FUNCTION_URL, PLAIN; `
      + 'invocations[0].expectedStatusCode must be a whole number; invocations[0].expectedBodyContains must be an array of non-empty strings; '
      + 'checkTimeoutMs must be a positive number'],
    ['an unknown response kind', { [TARGET_ENV]: 'arn', [CONFIG_ENV]: JSON.stringify({ ...valid, invocations: [{ ...valid.invocations[0], responseKind: 'HTTP' }] }) },
      `${CONFIG_ENV} is invalid: invocations[0].responseKind must be one of API_GATEWAY_PROXY, FUNCTION_URL, PLAIN`],
    ['no checks at all, which would report Succeeded for checking nothing', { [TARGET_ENV]: 'arn', [CONFIG_ENV]: JSON.stringify({ ...valid, invocations: [], httpChecks: [] }) },
      `${CONFIG_ENV} is invalid: there are no checks (invocations and httpChecks are both empty)`],
    ['an empty expected text, which checks nothing', { [TARGET_ENV]: 'arn', [CONFIG_ENV]: JSON.stringify({ ...valid, httpChecks: [{ ...valid.httpChecks[0], expectedBodyContains: ['ok', ''] }] }) },
      `${CONFIG_ENV} is invalid: httpChecks[0].expectedBodyContains must be an array of non-empty strings`],
  ])('keeps the problem of %s for the report instead of throwing', (_what, env, problem) => {
    expect(loadHookSetup(env)).toEqual({ ok: false, problem });
  });
});

describe('reading answers', () => {
  test('an API Gateway proxy result gives its status and body, decoded when base64', () => {
    expect(readAnswer(JSON.stringify({ statusCode: 201, body: Buffer.from('{"id":"l-1"}').toString('base64'), isBase64Encoded: true }), 'API_GATEWAY_PROXY'))
      .toEqual({ ok: true, answer: { statusCode: 201, body: '{"id":"l-1"}' } });
    expect(readAnswer(JSON.stringify({ statusCode: 204 }), 'API_GATEWAY_PROXY')).toEqual({ ok: true, answer: { statusCode: 204, body: '' } });
    expect(readAnswer(JSON.stringify({ statusCode: 204, body: null }), 'API_GATEWAY_PROXY')).toEqual({ ok: true, answer: { statusCode: 204, body: '' } });
  });

  test('a plain answer counts as 200 with the payload as body, whatever it is', () => {
    expect(readAnswer('null', 'PLAIN')).toEqual({ ok: true, answer: { statusCode: 200, body: 'null' } });
    expect(readAnswer('not json', 'PLAIN')).toEqual({ ok: true, answer: { statusCode: 200, body: 'not json' } });
    expect(readAnswer('{"statusCode":500}', 'PLAIN')).toEqual({ ok: true, answer: { statusCode: 200, body: '{"statusCode":500}' } });
  });

  test('a function URL answer without statusCode counts as 200, its JSON the body; one that is not JSON is no answer', () => {
    expect(readAnswer('[1,2]', 'FUNCTION_URL')).toEqual({ ok: true, answer: { statusCode: 200, body: '[1,2]' } });
    expect(readAnswer('{"statusCode":404,"body":"gone"}', 'FUNCTION_URL')).toEqual({ ok: true, answer: { statusCode: 404, body: 'gone' } });
    expect(readAnswer('oops', 'FUNCTION_URL')).toEqual({
      ok: false, problem: 'the answer is not JSON, so not a function URL response (answer: oops)',
    });
  });

  test('every expected text must be in the body', () => {
    expect(compareAnswer({ statusCode: 200, body: 'alpha beta' }, { expectedStatusCode: 200, expectedBodyContains: ['alpha', 'gamma'] }))
      .toEqual(['body does not contain "gamma" (body: alpha beta)']);
  });

  test('relative paths go below the base URL, absolute URLs stay', () => {
    expect(resolveUrl('/version', 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/')).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/version');
    expect(resolveUrl('https://example.com/health', undefined)).toBe('https://example.com/health');
    expect(() => resolveUrl('/version', undefined)).toThrow("no base URL for the relative path '/version'");
  });
});
