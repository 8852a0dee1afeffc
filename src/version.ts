/** The package version, recorded in every output file. Kept in sync with package.json by a test. */
export const VERSION = '0.1.0';
