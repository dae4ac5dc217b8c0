import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { CwsApiError, errorFromResponse } from './errors';
import {
  ICommunityDetails,
  ICommunityPage,
  IHealth,
  IInstanceList,
  IJobAccepted,
  IJobList,
  IJobStatus,
  IRateResult,
  IResolution,
  ITemplateList,
  IVersion
} from './types';
import { API_NAMESPACE } from './version';

/** Query parameters; empty and undefined values are left out. */
export type Query = Record<string, string | undefined | null>;

/** Default time limit of one request (ms): resolutions may walk several AWS tiers. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Build `path?query` for the API, encoding each part; empty values are dropped. */
export function apiPath(parts: string[], query?: Query): string {
  const path = parts.map(p => encodeURIComponent(p)).join('/');
  const q = Object.entries(query ?? {}).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''
  );
  if (q.length === 0) {
    return path;
  }
  return `${path}?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

/**
 * The client of the cws-jupyter REST API under `{base_url}cws/api/v1/`.
 *
 * Requests go through `ServerConnection.makeRequest`, so the base URL, the token and the XSRF
 * cookie of the Jupyter server are used, whatever the server's base_url is.
 */
export class CwsApi {
  constructor(settings?: ServerConnection.ISettings) {
    this.settings = settings ?? ServerConnection.makeSettings();
  }

  readonly settings: ServerConnection.ISettings;

  /** The absolute URL of an API path (which may carry a query). */
  url(path: string): string {
    return URLExt.join(this.settings.baseUrl, API_NAMESPACE, path);
  }

  /** Send one request and answer its JSON body; throws CwsApiError on any failure. */
  async request<T>(
    path: string,
    init: RequestInit = {},
    timeoutMs: number = DEFAULT_TIMEOUT_MS
  ): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        this.url(path),
        { ...init, signal: controller.signal },
        this.settings
      );
    } catch (err) {
      if (controller.signal.aborted) {
        throw new CwsApiError(
          0,
          'timeout',
          `No answer from the Jupyter server after ${Math.round(timeoutMs / 1000)} s.`
        );
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new CwsApiError(
        0,
        'network',
        `Cannot reach the Jupyter server: ${reason}`
      );
    } finally {
      clearTimeout(timer);
    }
    const text = await response.text();
    if (!response.ok) {
      throw errorFromResponse(response.status, text);
    }
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new CwsApiError(
        response.status,
        'bad_response',
        'The server answered something that is not JSON: is the cws-jupyter server extension enabled?'
      );
    }
  }

  /** POST a JSON body. */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' }
    });
  }

  version(): Promise<IVersion> {
    return this.request<IVersion>('version', {}, 15_000);
  }

  health(): Promise<IHealth> {
    return this.request<IHealth>('health', {}, 15_000);
  }

  templates(): Promise<ITemplateList> {
    return this.request<ITemplateList>('templates');
  }

  resolve(template: string, region?: string): Promise<IResolution> {
    return this.request<IResolution>(
      apiPath(['ami', 'resolve', template], { region })
    );
  }

  launch(
    template: string,
    name: string,
    region?: string
  ): Promise<IJobAccepted> {
    const body: Record<string, string> = { template, name };
    if (region) {
      body.region = region;
    }
    return this.post<IJobAccepted>('instances', body);
  }

  instances(): Promise<IInstanceList> {
    return this.request<IInstanceList>('instances');
  }

  instanceAction(
    name: string,
    action: 'stop' | 'start' | 'terminate'
  ): Promise<IJobAccepted> {
    return this.post<IJobAccepted>(apiPath(['instances', name, action]));
  }

  jobs(limit = 10): Promise<IJobList> {
    return this.request<IJobList>(apiPath(['jobs'], { limit: String(limit) }));
  }

  job(jobId: string): Promise<IJobStatus> {
    return this.request<IJobStatus>(apiPath(['jobs', jobId]));
  }

  community(template?: string, sort = 'best'): Promise<ICommunityPage> {
    return this.request<ICommunityPage>(
      apiPath(['community', 'amis'], { template, sort })
    );
  }

  communityDetails(id: string): Promise<ICommunityDetails> {
    return this.request<ICommunityDetails>(apiPath(['community', 'amis', id]));
  }

  rate(id: string, rating: number, review?: string): Promise<IRateResult> {
    const body: { rating: number; review?: string } = { rating };
    if (review && review.trim()) {
      body.review = review.trim();
    }
    return this.post<IRateResult>(
      apiPath(['community', 'amis', id, 'rate']),
      body
    );
  }
}
