/** Discord's error bodies, as the API sends them: `{ message, code }`, plus `errors` for form errors. */

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function apiError(status: number, code: number, message: string, errors?: unknown): RestResponse {
  return { status, body: errors === undefined ? { message, code } : { message, code, errors } };
}

export const unauthorized = () => apiError(401, 0, '401: Unauthorized');
export const notFound = () => apiError(404, 0, '404: Not Found');
export const methodNotAllowed = () => apiError(405, 0, '405: Method Not Allowed');
export const unknownChannel = () => apiError(404, 10003, 'Unknown Channel');
export const unknownGuild = () => apiError(404, 10004, 'Unknown Guild');
export const unknownMember = () => apiError(404, 10007, 'Unknown Member');
export const unknownMessage = () => apiError(404, 10008, 'Unknown Message');
export const unknownUser = () => apiError(404, 10013, 'Unknown User');
export const unknownWebhook = () => apiError(404, 10015, 'Unknown Webhook');
export const unknownInteraction = () => apiError(404, 10062, 'Unknown interaction');
export const unknownCommand = () => apiError(404, 10063, 'Unknown application command');
export const invalidWebhookToken = () => apiError(401, 50027, 'Invalid Webhook Token');
export const emptyMessage = () => apiError(400, 50006, 'Cannot send an empty message');
export const alreadyCrossposted = () => apiError(400, 40033, 'This message has already been crossposted');
export const alreadyAcknowledged = () => apiError(400, 40060, 'Interaction has already been acknowledged');
export const wrongChannelType = () => apiError(400, 50024, 'Cannot execute action on this channel type');
export const maxPins = () => apiError(400, 30003, 'Maximum number of pins reached (50)');
export const invalidJson = () => apiError(400, 50109, 'The request body contains invalid JSON.');
export const tooLarge = () => apiError(413, 40005, 'Request entity too large');

/** A tree of field errors, merged path by path: `{ content: { _errors: [...] } }`. */
export type FormErrors = { [key: string]: FormErrors } & { _errors?: Array<{ code: string; message: string }> };

export function addFieldError(tree: FormErrors, path: Array<string | number>, code: string, message: string): void {
  let node: FormErrors = tree;
  for (const key of path) {
    const k = String(key);
    node[k] ??= {} as FormErrors;
    node = node[k] as FormErrors;
  }
  (node._errors ??= []).push({ code, message });
}

export function hasErrors(tree: FormErrors): boolean {
  return Object.keys(tree).length > 0;
}

export const invalidFormBody = (errors: FormErrors) => apiError(400, 50035, 'Invalid Form Body', errors);

export function statusText(status: number): string {
  const texts: Record<number, string> = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return `${status}: ${texts[status] ?? 'Error'}`;
}
