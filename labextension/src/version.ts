/**
 * The lab extension's own version. It must equal `version` in package.json and in the
 * Python package's pyproject.toml (a jest test and a pytest test check both).
 */
export const LAB_VERSION = '0.1.0';

/** The REST API namespace served by the cws-jupyter server extension. */
export const API_NAMESPACE = 'cws/api/v1';
