import { CwsApiError } from '../errors';
import { handshake, NOT_INSTALLED_MESSAGE } from '../handshake';

describe('handshake', () => {
  it('accepts the same version', async () => {
    const r = await handshake('0.1.0', async () => ({
      version: '0.1.0',
      api: 'v1'
    }));
    expect(r).toEqual({ ok: true, serverVersion: '0.1.0' });
  });

  it('names both versions on a mismatch', async () => {
    const r = await handshake('0.1.0', async () => ({
      version: '0.2.0',
      api: 'v1'
    }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe('mismatch');
      expect(r.message).toContain('lab 0.1.0, server 0.2.0');
      expect(r.message).toContain('reinstall cws-jupyter');
    }
  });

  it('says the server extension is missing on a 404', async () => {
    const r = await handshake('0.1.0', async () => {
      throw new CwsApiError(404, 'not_installed', 'nope');
    });
    expect(r).toEqual({
      ok: false,
      kind: 'missing',
      message: NOT_INSTALLED_MESSAGE
    });
  });

  it('says the server cannot be reached', async () => {
    const r = await handshake('0.1.0', async () => {
      throw new CwsApiError(
        0,
        'network',
        'Cannot reach the Jupyter server: down'
      );
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe('unreachable');
      expect(r.message).toContain('down');
    }
  });
});
