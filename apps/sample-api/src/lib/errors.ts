/**
 * The errors a handler throws on purpose. Each one is mapped to its HTTP status in
 * one place, `errorResponse` in `http.ts`; their message is what the client reads in
 * `{ "message": … }`, so it names the problem, the value and how to fix it.
 */

/** The request is malformed: bad JSON, a wrong type, a missing or invalid field. (400) */
export class BadRequest extends Error {
  public override readonly name = 'BadRequest';
}

/** The path is unknown, or the resource it names does not exist. (404) */
export class NotFound extends Error {
  public override readonly name = 'NotFound';
}

/** The path exists but does not serve this method. (405, with an `Allow` header) */
export class MethodNotAllowed extends Error {
  public override readonly name = 'MethodNotAllowed';

  constructor(message: string, public readonly allowedMethods: readonly string[]) {
    super(message);
  }
}

/** The request was not complete in time (the local server's HTTP timeouts). (408) */
export class RequestTimeout extends Error {
  public override readonly name = 'RequestTimeout';
}

/** The request body is larger than the API accepts. (413) */
export class PayloadTooLarge extends Error {
  public override readonly name = 'PayloadTooLarge';
}

/** The request body is declared as something other than JSON. (415) */
export class UnsupportedMediaType extends Error {
  public override readonly name = 'UnsupportedMediaType';
}

/** The request headers are larger than the server reads (the local server's limit). (431) */
export class HeadersTooLarge extends Error {
  public override readonly name = 'HeadersTooLarge';
}

/**
 * The function runs with `SIMULATE_FAILURE=true` (the opt-in rollback demo): every
 * data request fails on purpose so that the deployment's alarms trip. (500)
 */
export class SimulatedFailure extends Error {
  public override readonly name = 'SimulatedFailure';
}

/** A required environment variable is missing or invalid: the function cannot start. */
export class MissingConfiguration extends Error {
  public override readonly name = 'MissingConfiguration';
}
