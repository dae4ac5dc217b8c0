import { CwsApiError, readableError } from './errors';
import { IVersion } from './types';

/** The outcome of the version handshake with the server half. */
export type Handshake =
  | { ok: true; serverVersion: string }
  | {
      ok: false;
      kind: 'missing' | 'mismatch' | 'unreachable';
      message: string;
    };

export const NOT_INSTALLED_MESSAGE =
  'The cws-jupyter server extension is not installed/enabled on this Jupyter server. ' +
  'Install cws-jupyter in the environment that runs Jupyter ' +
  '(`jupyter server extension enable cws_jupyter`), then restart Jupyter.';

/** The mismatch message, naming both versions. */
export function mismatchMessage(lab: string, server: string): string {
  return `Version mismatch: lab ${lab}, server ${server}; reinstall cws-jupyter so both halves match, then restart Jupyter.`;
}

/** Run the handshake: `fetchVersion` answers the server's `GET version` (or throws). */
export async function handshake(
  labVersion: string,
  fetchVersion: () => Promise<IVersion>
): Promise<Handshake> {
  let answer: IVersion;
  try {
    answer = await fetchVersion();
  } catch (err) {
    if (
      err instanceof CwsApiError &&
      (err.status === 404 || err.code === 'bad_response')
    ) {
      return { ok: false, kind: 'missing', message: NOT_INSTALLED_MESSAGE };
    }
    return {
      ok: false,
      kind: 'unreachable',
      message: `Cannot check the cws-jupyter server extension: ${readableError(err)}`
    };
  }
  const server = typeof answer?.version === 'string' ? answer.version : '';
  if (!server) {
    return { ok: false, kind: 'missing', message: NOT_INSTALLED_MESSAGE };
  }
  if (server !== labVersion) {
    return {
      ok: false,
      kind: 'mismatch',
      message: mismatchMessage(labVersion, server)
    };
  }
  return { ok: true, serverVersion: server };
}
