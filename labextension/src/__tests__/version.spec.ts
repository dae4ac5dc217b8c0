import { LAB_VERSION } from '../version';

// The lab extension's version, package.json's and pyproject.toml's must agree: the
// version handshake compares the lab extension's own version with the server's.
import * as fs from 'fs';
import * as path from 'path';

describe('versions', () => {
  const root = path.resolve(__dirname, '..', '..');
  const pkg = JSON.parse(
    fs.readFileSync(path.join(root, 'package.json'), 'utf8')
  );

  it('LAB_VERSION equals package.json', () => {
    expect(LAB_VERSION).toBe(pkg.version);
  });

  it('package.json equals pyproject.toml', () => {
    const pyproject = fs.readFileSync(
      path.join(root, '..', 'pyproject.toml'),
      'utf8'
    );
    const project = pyproject.split(/^\[project\]\s*$/m)[1].split(/^\[/m)[0];
    const match = /^version\s*=\s*"([^"]+)"/m.exec(project);
    expect(match).not.toBeNull();
    expect(pkg.version).toBe(match![1]);
  });

  it('the extension name is the one the Python package maps', () => {
    expect(pkg.name).toBe('cws-jupyter-labextension');
    expect(pkg.jupyterlab.outputDir).toBe('../cws_jupyter/labextension');
  });
});
