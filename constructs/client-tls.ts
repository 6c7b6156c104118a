/**
 * How a client of the Temporal frontend gets its TLS material: a cert-manager Secret mounted at
 * one path, and the environment variables its program reads.
 */
import type { k8s } from '../imports/k8s';

export interface ClientTlsProps {
  /** Secret with `tls.crt`, `tls.key` and `ca.crt` (the client certificate and the CA that signed the server's). */
  readonly secretName: string;
  /** The name in the server's certificate to verify against. */
  readonly serverName: string;
}

export const CLIENT_TLS_DIR = '/etc/temporal/tls/client';

export function clientTlsVolume(t: ClientTlsProps): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return {
    volume: { name: 'client-tls', secret: { secretName: t.secretName } },
    mount: { name: 'client-tls', mountPath: CLIENT_TLS_DIR, readOnly: true },
  };
}

/** Read by the `temporal` CLI and by SDKs' environment configuration (TEMPORAL_TLS_*). */
export function cliTlsEnv(t: ClientTlsProps): k8s.EnvVar[] {
  return [
    { name: 'TEMPORAL_TLS', value: 'true' },
    { name: 'TEMPORAL_TLS_CLIENT_CERT_PATH', value: `${CLIENT_TLS_DIR}/tls.crt` },
    { name: 'TEMPORAL_TLS_CLIENT_KEY_PATH', value: `${CLIENT_TLS_DIR}/tls.key` },
    { name: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', value: `${CLIENT_TLS_DIR}/ca.crt` },
    { name: 'TEMPORAL_TLS_SERVER_NAME', value: t.serverName },
  ];
}

/** Read by the Web UI server (its docker.yaml template). */
export function uiTlsEnv(t: ClientTlsProps): k8s.EnvVar[] {
  return [
    { name: 'TEMPORAL_TLS_CA', value: `${CLIENT_TLS_DIR}/ca.crt` },
    { name: 'TEMPORAL_TLS_CERT', value: `${CLIENT_TLS_DIR}/tls.crt` },
    { name: 'TEMPORAL_TLS_KEY', value: `${CLIENT_TLS_DIR}/tls.key` },
    { name: 'TEMPORAL_TLS_SERVER_NAME', value: t.serverName },
    { name: 'TEMPORAL_TLS_ENABLE_HOST_VERIFICATION', value: 'true' },
  ];
}
