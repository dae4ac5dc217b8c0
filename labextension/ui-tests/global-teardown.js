/**
 * Stop the cws sandbox the test server started (it outlives the Jupyter server by design:
 * one sandbox per CWS_HOME, shared by every process of a user).
 */
const { spawnSync } = require('child_process');

module.exports = async () => {
  spawnSync('cws', ['sandbox', 'stop'], { env: process.env, stdio: 'ignore' });
};
