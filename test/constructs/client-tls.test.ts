import { CLIENT_TLS_DIR, ClientTlsProps, cliTlsEnv, clientTlsVolume, uiTlsEnv } from '../../constructs/client-tls';
import { cliTlsEnvFor, clientTlsMount, clientTlsVolumeFor } from './fixtures';

const tls: ClientTlsProps = { secretName: 'orders-client-tls', serverName: 'temporal-frontend.temporal.svc' };
const asMap = (env: { name: string; value?: string }[]) => Object.fromEntries(env.map((e) => [e.name, e.value]));
/** The files cert-manager writes into a Certificate's Secret. */
const SECRET_FILES = ['ca.crt', 'tls.crt', 'tls.key'];

describe('clientTlsVolume', () => {
  test('the Secret as a volume named client-tls, mounted read-only at /etc/temporal/tls/client', () => {
    expect(CLIENT_TLS_DIR).toBe('/etc/temporal/tls/client');
    expect(clientTlsVolume(tls)).toEqual({
      volume: clientTlsVolumeFor('orders-client-tls'),
      mount: clientTlsMount,
    });
  });

  test('the whole Secret is projected (no items), so tls.crt, tls.key and ca.crt are all there', () => {
    const { volume } = clientTlsVolume(tls);
    expect(volume.secret).toEqual({ secretName: 'orders-client-tls' });
  });

  test('the mount refers to the volume', () => {
    const { volume, mount } = clientTlsVolume(tls);
    expect(mount.name).toBe(volume.name);
  });
});

describe('cliTlsEnv', () => {
  test('TEMPORAL_TLS* for the temporal CLI and SDK env config, in order, with the server name', () => {
    const env = cliTlsEnv(tls);
    expect(env.map((e) => e.name)).toEqual([
      'TEMPORAL_TLS',
      'TEMPORAL_TLS_CLIENT_CERT_PATH',
      'TEMPORAL_TLS_CLIENT_KEY_PATH',
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
      'TEMPORAL_TLS_SERVER_NAME',
    ]);
    expect(asMap(env)).toEqual(cliTlsEnvFor('temporal-frontend.temporal.svc'));
    expect(env.every((e) => e.valueFrom === undefined)).toBe(true);
  });

  test('client certificate and key, and the CA that verifies the server', () => {
    const env = asMap(cliTlsEnv(tls));
    expect(env.TEMPORAL_TLS_CLIENT_CERT_PATH).toBe('/etc/temporal/tls/client/tls.crt');
    expect(env.TEMPORAL_TLS_CLIENT_KEY_PATH).toBe('/etc/temporal/tls/client/tls.key');
    expect(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH).toBe('/etc/temporal/tls/client/ca.crt');
  });
});

describe('uiTlsEnv', () => {
  test("the Web UI server's TEMPORAL_TLS_* names, host verification on", () => {
    const env = uiTlsEnv(tls);
    expect(env.map((e) => e.name)).toEqual([
      'TEMPORAL_TLS_CA',
      'TEMPORAL_TLS_CERT',
      'TEMPORAL_TLS_KEY',
      'TEMPORAL_TLS_SERVER_NAME',
      'TEMPORAL_TLS_ENABLE_HOST_VERIFICATION',
    ]);
    expect(asMap(env)).toEqual({
      TEMPORAL_TLS_CA: '/etc/temporal/tls/client/ca.crt',
      TEMPORAL_TLS_CERT: '/etc/temporal/tls/client/tls.crt',
      TEMPORAL_TLS_KEY: '/etc/temporal/tls/client/tls.key',
      TEMPORAL_TLS_SERVER_NAME: 'temporal-frontend.temporal.svc',
      TEMPORAL_TLS_ENABLE_HOST_VERIFICATION: 'true',
    });
  });
});

test.each([
  ['cliTlsEnv', cliTlsEnv],
  ['uiTlsEnv', uiTlsEnv],
])('%s: every path is a file of the Secret under the mount, and each Secret file is used once', (_name, envOf) => {
  const { mount } = clientTlsVolume(tls);
  const paths = envOf(tls)
    .map((e) => e.value!)
    .filter((v) => v.startsWith('/'));
  expect(paths).toHaveLength(3);
  for (const p of paths) expect(p.startsWith(`${mount.mountPath}/`)).toBe(true);
  expect(paths.map((p) => p.slice(mount.mountPath.length + 1)).sort()).toEqual(SECRET_FILES);
});

test('the server name is passed through; the Secret name never appears in the env', () => {
  const other: ClientTlsProps = { secretName: 'some-secret', serverName: 'fe.example.internal' };
  for (const env of [cliTlsEnv(other), uiTlsEnv(other)]) {
    expect(asMap(env).TEMPORAL_TLS_SERVER_NAME).toBe('fe.example.internal');
    expect(JSON.stringify(env)).not.toContain('some-secret');
  }
});
