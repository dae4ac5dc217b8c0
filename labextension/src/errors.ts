/** An error answered by the cws REST API (or the failure to reach it), as readable text. */
export class CwsApiError extends Error {
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** Machine-readable code from the API's `error` field (e.g. `bad_input`, `not_found`). */
  readonly code: string;
  /** The request field at fault, when the API names one. */
  readonly field: string | null;

  constructor(
    status: number,
    code: string,
    message: string,
    field?: string | null
  ) {
    super(message);
    this.name = 'CwsApiError';
    this.status = status;
    this.code = code;
    this.field = field ?? null;
  }

  /** One line for the panel: "field: message" when a field is at fault. */
  get readable(): string {
    return this.field ? `${this.field}: ${this.message}` : this.message;
  }
}

/** The shape of every error body the API returns. */
export interface IErrorBody {
  error: string;
  message: string;
  field?: string | null;
}

/** Build a CwsApiError from a status and a response text (JSON error body or anything else). */
export function errorFromResponse(status: number, text: string): CwsApiError {
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (body && typeof body === 'object') {
    const b = body as Partial<IErrorBody> & { reason?: string };
    if (typeof b.message === 'string') {
      return new CwsApiError(
        status,
        String(b.error ?? 'error'),
        b.message,
        b.field
      );
    }
    if (typeof b.reason === 'string' && b.reason) {
      return new CwsApiError(status, 'error', b.reason);
    }
  }
  if (status === 404) {
    return new CwsApiError(
      404,
      'not_installed',
      'The cws-jupyter server extension is not installed/enabled on this Jupyter server.'
    );
  }
  if (status === 403) {
    return new CwsApiError(
      403,
      'forbidden',
      'The Jupyter server refused the request (403): log in again or reload the page.'
    );
  }
  return new CwsApiError(
    status,
    'http_error',
    `The server answered HTTP ${status}.`
  );
}

/** Turn anything thrown into text a user can read. */
export function readableError(err: unknown): string {
  if (err instanceof CwsApiError) {
    return err.readable;
  }
  if (err instanceof Error) {
    return err.message;
  }
  return String(err);
}
