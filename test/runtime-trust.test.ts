/**
 * Trust paths and cookies that only a running system exercises, pinned over every profile: each
 * client that verifies a TLS server trusts the CA that issued that server's certificate under the
 * name it asks for, and the Web UI's CSRF cookie survives the scheme the browser uses.
 */
import { ALL_PROFILES, K8sObject, synthesized } from './helpers';

type Pod = { containers: any[]; initContainers?: any[]; volumes?: any[] };

const podOf = (o: K8sObject): Pod => o.spec.template.spec;
const env = (c: any): Record<string, string> =>
  Object.fromEntries((c.env ?? []).filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
const certificates = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Certificate');
/** The Issuer that signs a Secret's certificate, and (cert-manager writes it as ca.crt) the CA in it. */
const issuerOfSecret = (objects: K8sObject[], secret: string) =>
  certificates(objects).find((c) => c.spec.secretName === secret)?.spec.issuerRef.name;
const secretMountedAt = (pod: Pod, container: any, dir: string) => {
  const mount = container.volumeMounts?.find((m: any) => m.mountPath === dir);
  return mount && pod.volumes?.find((v) => v.name === mount.name)?.secret?.secretName;
};
const deployment = (objects: K8sObject[], name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);

describe.each(ALL_PROFILES)('profile %s', (profile) => {
  const { objects, spec } = synthesized(profile);

  test('a JVM worker pool trusts the frontend CA through a trust store built at start (the Spring starter has no CA setting)', () => {
    for (const pool of spec.workerPools.filter((p) => p.jvmOptions.length)) {
      const pod = podOf(deployment(objects, pool.name)!);
      const worker = pod.containers[0];
      if (!spec.tls.enabled) {
        expect(env(worker).JAVA_TOOL_OPTIONS).not.toContain('javax.net.ssl.trustStore');
        continue;
      }
      const store = /-Djavax\.net\.ssl\.trustStore=(\S+)/.exec(env(worker).JAVA_TOOL_OPTIONS)?.[1];
      expect(store).toBeDefined();
      const init = pod.initContainers?.find((c) => c.command?.join(' ').includes(store!));
      expect(init).toBeDefined();
      const caFile = /-importcert .*-file (\S+)/.exec(init.command.join(' '))?.[1];
      expect(caFile).toBe(env(worker).TEMPORAL_TLS_SERVER_CA_CERT_PATH);
      // The imported ca.crt is the issuer of the client Secret: the same CA that issued the frontend's certificate.
      const clientSecret = secretMountedAt(pod, init, caFile!.replace(/\/ca\.crt$/, ''));
      const frontendSecret = secretMountedAt(
        podOf(deployment(objects, 'temporal-frontend')!),
        podOf(deployment(objects, 'temporal-frontend')!).containers[0],
        '/etc/temporal/tls/frontend',
      );
      expect(issuerOfSecret(objects, clientSecret!)).toBe(issuerOfSecret(objects, frontendSecret!));
    }
  });

  test("history's calls to the system frontend's HTTP port (Nexus callbacks) verify against the certificate that listener serves", () => {
    const ife = deployment(objects, 'temporal-internal-frontend');
    if (!ife || !spec.tls.enabled) return;
    // The server serves the internal-frontend's HTTP API with global.tls.frontend.server (the files under
    // tls/frontend) and calls it with global.tls.internode.client: the Secret there must come from the
    // internode CA and name the internode server name.
    const pod = podOf(ife);
    const served = secretMountedAt(pod, pod.containers[0], '/etc/temporal/tls/frontend')!;
    const internode = secretMountedAt(pod, pod.containers[0], '/etc/temporal/tls/internode')!;
    expect(issuerOfSecret(objects, served)).toBe(issuerOfSecret(objects, internode));
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'temporal-config')!.data['config.yaml'] as string;
    const serverName = /internode:[\s\S]*?client:\s*\n\s*serverName: (\S+)/.exec(config)![1];
    expect(certificates(objects).find((c) => c.spec.secretName === served)!.spec.dnsNames).toContain(serverName);
  });

  test('the Web UI sets an insecure CSRF cookie exactly when the browser reaches it over plain HTTP', () => {
    const web = deployment(objects, 'temporal-web');
    if (!web) return;
    const ingress = objects.find((o) => o.kind === 'Ingress');
    const https = Boolean(ingress?.spec.tls?.length);
    expect(env(podOf(web).containers[0]).TEMPORAL_CSRF_COOKIE_INSECURE).toBe(https ? undefined : 'true');
  });
});
