// ServerConnection and URLExt are mocked: the client must send every request through
// makeRequest with the settings (base URL, token, XSRF) and build URLs from settings.baseUrl.
const makeRequest = jest.fn();
jest.mock('@jupyterlab/services', () => ({
  ServerConnection: {
    makeSettings: () => ({ baseUrl: 'http://host/user/ann/' }),
    makeRequest: (...args: unknown[]) => makeRequest(...args)
  }
}));
jest.mock('@jupyterlab/coreutils', () => ({
  URLExt: {
    join: (...parts: string[]) =>
      parts
        .map((p, i) =>
          i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+|\/+$/g, '')
        )
        .join('/')
  }
}));

import { apiPath, CwsApi } from '../api';
import { CwsApiError } from '../errors';

function reply(status: number, body: unknown): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    text: async () => text
  } as Response;
}

describe('apiPath', () => {
  it('encodes parts and drops empty query values', () => {
    expect(
      apiPath(['ami', 'resolve', 'a b/c'], {
        region: 'eu-west-1',
        x: '',
        y: undefined
      })
    ).toBe('ami/resolve/a%20b%2Fc?region=eu-west-1');
    expect(apiPath(['jobs'])).toBe('jobs');
  });
});

describe('CwsApi', () => {
  const settings = { baseUrl: 'http://host/user/ann/' } as any;
  beforeEach(() => makeRequest.mockReset());

  it('builds URLs under the server base URL and namespace', async () => {
    makeRequest.mockResolvedValue(reply(200, { version: '0.1.0', api: 'v1' }));
    const api = new CwsApi(settings);
    await expect(api.version()).resolves.toEqual({
      version: '0.1.0',
      api: 'v1'
    });
    const [url, init, passedSettings] = makeRequest.mock.calls[0];
    expect(url).toBe('http://host/user/ann/cws/api/v1/version');
    expect(passedSettings).toBe(settings);
    expect(init.signal).toBeDefined();
  });

  it('resolves with the region as a query parameter, or none', async () => {
    makeRequest.mockResolvedValue(reply(200, { ami_id: 'ami-1' }));
    const api = new CwsApi(settings);
    await api.resolve('python-ml', 'eu-west-1');
    await api.resolve('python-ml');
    expect(makeRequest.mock.calls[0][0]).toBe(
      'http://host/user/ann/cws/api/v1/ami/resolve/python-ml?region=eu-west-1'
    );
    expect(makeRequest.mock.calls[1][0]).toBe(
      'http://host/user/ann/cws/api/v1/ami/resolve/python-ml'
    );
  });

  it('posts JSON bodies for launch, actions and ratings', async () => {
    makeRequest.mockResolvedValue(
      reply(202, { job_id: 'j1', status: 'running', url: '/x' })
    );
    const api = new CwsApi(settings);
    await api.launch('python-ml', 'lab-1');
    await api.instanceAction('lab 1', 'terminate');
    makeRequest.mockResolvedValue(reply(200, { average: 4 }));
    await api.rate('cami-1', 4, '  nice  ');
    const [, launchInit] = makeRequest.mock.calls[0];
    expect(launchInit.method).toBe('POST');
    expect(JSON.parse(launchInit.body)).toEqual({
      template: 'python-ml',
      name: 'lab-1'
    });
    expect(makeRequest.mock.calls[1][0]).toBe(
      'http://host/user/ann/cws/api/v1/instances/lab%201/terminate'
    );
    expect(JSON.parse(makeRequest.mock.calls[2][1].body)).toEqual({
      rating: 4,
      review: 'nice'
    });
  });

  it('turns API error bodies into readable errors', async () => {
    makeRequest.mockResolvedValue(
      reply(404, {
        error: 'not_found',
        message: "no template named 'x'",
        field: 'template'
      })
    );
    const api = new CwsApi(settings);
    const err = await api.resolve('x').catch(e => e);
    expect(err).toBeInstanceOf(CwsApiError);
    expect(err.status).toBe(404);
    expect(err.code).toBe('not_found');
    expect(err.readable).toBe("template: no template named 'x'");
  });

  it('reports an HTML 404 (no server extension) as not installed', async () => {
    makeRequest.mockResolvedValue(reply(404, '<html>404: Not Found</html>'));
    const err = await new CwsApi(settings).version().catch(e => e);
    expect(err.code).toBe('not_installed');
    expect(err.message).toMatch(/not installed\/enabled/);
  });

  it('reports network failures', async () => {
    makeRequest.mockRejectedValue(new TypeError('Failed to fetch'));
    const err = await new CwsApi(settings).health().catch(e => e);
    expect(err.status).toBe(0);
    expect(err.message).toBe(
      'Cannot reach the Jupyter server: Failed to fetch'
    );
  });

  it('gives up after the time limit', async () => {
    makeRequest.mockImplementation(
      (_url: string, init: RequestInit) =>
        new Promise((_resolve, reject) => {
          init.signal!.addEventListener('abort', () =>
            reject(new Error('aborted'))
          );
        })
    );
    const err: any = await new CwsApi(settings)
      .request('slow', {}, 10)
      .catch(e => e);
    expect(err.code).toBe('timeout');
  });
});
