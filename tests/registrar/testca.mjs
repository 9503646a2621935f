// Throwaway test PKI for the wss:// registrar: a CA and a server certificate for 127.0.0.1
// (and localhost), made with the openssl CLI in a directory the caller owns (startRegistrar
// uses its run directory, removed by stop()). Nothing here is committed but this script.
//
//   const pki = await makeTestPki(dir);
//   pki.caFile / pki.ca          CA certificate (PEM file / text): trust it in the client,
//                                e.g. `ws` option { ca } or NODE_EXTRA_CA_CERTS at process start
//   pki.certFile, pki.keyFile    server certificate + its unencrypted key (for Kamailio's tls module)
//   pki.spki                     base64 SHA-256 of the server certificate's SubjectPublicKeyInfo,
//                                for Chromium's --ignore-certificate-errors-spki-list=<spki>
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @typedef {object} TestPki
 * @property {string} dir
 * @property {string} caFile
 * @property {string} ca         PEM
 * @property {string} certFile
 * @property {string} keyFile
 * @property {string} spki       base64(SHA-256(DER SubjectPublicKeyInfo)) of the server certificate
 */

/**
 * Run the openssl CLI (found in PATH).
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<void>}
 */
const openssl = (args, cwd) =>
  new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 20000 }, (err, _out, stderr) => {
      if (/** @type {NodeJS.ErrnoException | null} */ (err)?.code === 'ENOENT') {
        reject(
          new Error(
            'openssl not found in PATH: install the Debian package "openssl" (scripts/setup.sh does); ' +
              'the wss:// test certificates are made with it',
          ),
        );
      } else if (err) {
        reject(new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${err.message.trim()} ${stderr.trim()}`));
      } else {
        resolve();
      }
    });
  });

/**
 * Make a CA (P-256, valid 2 days) and a server certificate signed by it for 127.0.0.1 /
 * localhost (serverAuth), in `dir`.
 * @param {string} dir
 * @returns {Promise<TestPki>}
 */
export async function makeTestPki(dir) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const caFile = join(dir, 'test-ca.pem');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'test-ca.key',
      '-out',
      'test-ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=sipreg throwaway test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'test-ca.pem',
      '-CAkey',
      'test-ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ],
    dir,
  );
  const ca = readFileSync(caFile, 'utf8');
  const cert = new X509Certificate(readFileSync(certFile));
  if (!cert.checkIssued(new X509Certificate(ca))) throw new Error('test PKI: server certificate not issued by the test CA');
  const der = cert.publicKey.export({ type: 'spki', format: 'der' });
  return { dir, caFile, ca, certFile, keyFile, spki: createHash('sha256').update(der).digest('base64') };
}
