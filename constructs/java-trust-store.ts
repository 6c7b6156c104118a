/**
 * A JVM trusts only its trust store; a private CA reaches it as a PKCS#12 store built at pod start
 * from the JRE's public CAs plus the CA file, in an emptyDir the application container reads.
 */
import type { k8s } from '../imports/k8s';
import { CLIENT_TLS_DIR } from './client-tls';
import {
  ImageProps,
  ResourceProps,
  imageRef,
  resourceRequirements,
  restrictedContainerSecurityContext,
  scratchVolume,
} from './pod-defaults';

export const JAVA_TRUST_STORE_DIR = '/var/run/java-trust-store';
const STORE = `${JAVA_TRUST_STORE_DIR}/truststore.p12`;
// The store holds public certificates only; PKCS#12 needs a password for its integrity check, and
// "changeit" is the JDK's well-known default for cacerts.
const STORE_PASSWORD = 'changeit';

const SCRIPT = [
  'set -eu',
  `keytool -importkeystore -noprompt -srckeystore "$JAVA_HOME/lib/security/cacerts" -srcstorepass ${STORE_PASSWORD} -destkeystore ${STORE} -deststoretype PKCS12 -deststorepass ${STORE_PASSWORD}`,
  `keytool -importcert -noprompt -alias temporal-ca -file ${CLIENT_TLS_DIR}/ca.crt -keystore ${STORE} -storetype PKCS12 -storepass ${STORE_PASSWORD}`,
].join('\n');

export function javaTrustStore(
  image: ImageProps,
  resources: ResourceProps,
): {
  initContainer: k8s.Container;
  volume: k8s.Volume;
  mount: k8s.VolumeMount;
  jvmOptions: string[];
} {
  const mount = { name: 'java-trust-store', mountPath: JAVA_TRUST_STORE_DIR };
  return {
    initContainer: {
      name: 'java-trust-store',
      image: imageRef(image),
      imagePullPolicy: image.pullPolicy,
      command: ['sh', '-c', SCRIPT],
      resources: resourceRequirements(resources),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [mount, { name: 'client-tls', mountPath: CLIENT_TLS_DIR, readOnly: true }],
    },
    volume: scratchVolume('java-trust-store', '16Mi'),
    mount: { ...mount, readOnly: true },
    jvmOptions: [
      `-Djavax.net.ssl.trustStore=${STORE}`,
      '-Djavax.net.ssl.trustStoreType=PKCS12',
      `-Djavax.net.ssl.trustStorePassword=${STORE_PASSWORD}`,
    ],
  };
}
