import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AdminTools } from '../constructs/admin-tools';
import { WebUi } from '../constructs/web-ui';
import type { Spec } from '../config/schema';
import { clientTls, internalServerName } from './credentials';
import type { Topology } from './topology';

/** The Web UI (with its Ingress) and the admin-tools pod, each behind a profile switch. */
export class WebChart extends Chart {
  constructor(scope: Construct, id: string, spec: Spec, topo: Topology) {
    super(scope, id, { namespace: topo.namespace, disableResourceNameHashes: true });
    const ui = spec.ui;
    if (ui.enabled) {
      new WebUi(this, 'WebUi', {
        name: topo.names.web,
        identity: topo.identity('web', { version: spec.images.ui.tag }),
        image: spec.images.ui,
        resources: ui.resources,
        frontendAddress: topo.frontendAddress,
        defaultNamespace: spec.temporal.namespaces[0].name,
        replicas: ui.replicas,
        autoscaling: ui.autoscaling,
        topologySpread: spec.topologySpread,
        ingress: ui.ingress.enabled
          ? {
              host: ui.ingress.host,
              className: ui.ingress.className,
              tlsSecretName: ui.ingress.tlsSecretName,
              certManagerClusterIssuer: ui.ingress.certManagerClusterIssuer,
              annotations: ui.ingress.annotations,
            }
          : undefined,
        tls: clientTls(spec, topo, topo.names.web, topo.frontendHost),
        auth: ui.auth.enabled
          ? {
              providerUrl: ui.auth.providerUrl!,
              clientId: ui.auth.clientId!,
              clientSecret: ui.auth.clientSecret!,
              scopes: ui.auth.scopes,
              useIdTokenAsBearer: ui.auth.useIdTokenAsBearer,
            }
          : undefined,
        extraCorsOrigins: ui.extraCorsOrigins,
      });
    }
    if (spec.adminTools.enabled) {
      new AdminTools(this, 'AdminTools', {
        name: topo.names.adminTools,
        identity: topo.identity('admin-tools', { version: spec.images.adminTools.tag }),
        image: spec.images.adminTools,
        resources: spec.adminTools.resources,
        // With authorization on, operators work through the internal frontend (no JWT needed).
        frontendAddress: topo.internalFrontendAddress,
        tls: clientTls(spec, topo, topo.names.adminTools, internalServerName(spec, topo)),
      });
    }
  }
}
