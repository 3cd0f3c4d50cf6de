/**
 * The bodies X answers with, field order included, as captured from real answers in public
 * bug reports (sources in the comments). Each builder returns the status, the body text and its
 * content type, so the wire format (pretty-printed or not) stays as X sends it.
 */

export interface XAnswer {
  status: number;
  body: string;
  contentType: string;
}

const JSON_UTF8 = 'application/json; charset=utf-8';
const PROBLEM_JSON = 'application/problem+json';

const json = (status: number, value: unknown): XAnswer => ({
  status,
  body: JSON.stringify(value),
  contentType: JSON_UTF8,
});

/**
 * The auth layer answers 401/403 with a pretty-printed (2-space) problem+json body and no
 * rate-limit headers (plhery/node-twitter-api-v2#425 and #265: content-length 99 and 93).
 */
const gatewayProblem = (status: number, title: string): XAnswer => ({
  status,
  body: JSON.stringify({ title, type: 'about:blank', status, detail: title }, null, 2),
  contentType: PROBLEM_JSON,
});

export const unauthorized = (): XAnswer => gatewayProblem(401, 'Unauthorized');
export const forbidden = (): XAnswer => gatewayProblem(403, 'Forbidden');

/** A refusal by the tweets service: compact JSON, detail first (akrherz/iembot#163). */
const forbiddenDetail = (detail: string): XAnswer =>
  json(403, { detail, type: 'about:blank', title: 'Forbidden', status: 403 });

export const duplicateContent = (): XAnswer =>
  forbiddenDetail('You are not allowed to create a Tweet with duplicate content.');

export const replyToMissing = (): XAnswer =>
  forbiddenDetail('You attempted to reply to a Tweet that is deleted or not visible to you.');

export const notYourTweet = (): XAnswer =>
  forbiddenDetail('You are not allowed to delete this Tweet.');

const INVALID_REQUEST = {
  title: 'Invalid Request',
  detail: 'One or more parameters to your request was invalid.',
  type: 'https://api.twitter.com/2/problems/invalid-request',
};

export interface ParameterError {
  message: string;
  parameters?: Record<string, string[]>;
}

/** 400 with the per-parameter messages first, then the invalid-request problem. */
export const invalidRequest = (errors: ParameterError[]): XAnswer =>
  json(400, { errors, ...INVALID_REQUEST });

/** POST /2/tweets with text over the weighted limit: a 400 invalid request, not a 403. */
export const textTooLong = (): XAnswer =>
  invalidRequest([
    {
      message:
        'Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.',
    },
  ]);

/** X's plain 429 (blorm-network/ZerePy#73). */
export const tooManyRequests = (): XAnswer =>
  json(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });

/**
 * The usage cap is a 429 too, but with the usage-capped problem type and while the
 * x-rate-limit window still has room (xdevplatform/xdk#25). No `status` field.
 */
export const usageCapped = (
  accountId: string,
  period: 'Daily' | 'Monthly' = 'Monthly',
  scope: 'Account' | 'Product' = 'Product',
): XAnswer =>
  json(429, {
    account_id: accountId,
    product_name: 'standard-basic',
    title: 'UsageCapExceeded',
    period,
    scope,
    detail: `Usage cap exceeded: ${period} ${scope.toLowerCase()} cap`,
    type: 'https://api.twitter.com/2/problems/usage-capped',
  });

export const serverError = (status: 500 | 503): XAnswer => {
  const title = status === 500 ? 'Internal Server Error' : 'Service Unavailable';
  return json(status, { title, detail: title, type: 'about:blank', status });
};

/** An unknown path: the gateway's old-style error (code 34). */
export const pageDoesNotExist = (): XAnswer =>
  json(404, { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] });

/** One entry of the `errors` array that lookups return with HTTP 200 for missing ids. */
export const tweetNotFound = (id: string, parameter: 'id' | 'ids') => ({
  value: id,
  detail: `Could not find tweet with ${parameter}: [${id}].`,
  title: 'Not Found Error',
  resource_type: 'tweet',
  parameter,
  resource_id: id,
  type: 'https://api.twitter.com/2/problems/resource-not-found',
});

export const ok = (status: number, value: unknown): XAnswer => json(status, value);
