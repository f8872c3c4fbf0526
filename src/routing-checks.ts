// Validation of what a standalone MatrixIngress, MatrixHttpRoute or MatrixNetworkPolicies is given (inside MatrixChat these are derived and checked there).
import { checkPublicHost, checkServerName } from './homeserver-settings';
import { isLkJwtRelease } from './lk-jwt-release';
import { ElementWebRouteRef, IngressBackendRef, MatrixRoutingTargets } from './routing';
import { Problems, checkLabels, checkNamePrefix, isFullyQualifiedDnsName, isObjectName, show } from './validation';

/** apimachinery IsDNS1035Label: what a Service name must be (ValidateServiceName), so what a backend may name. */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The hosts, backends and names of routing targets a user passed to `MatrixIngress` or
 * `MatrixHttpRoute` directly.
 */
export function checkRoutingTargets(problems: Problems, props: MatrixRoutingTargets): void {
  checkServerName(problems, props.serverName);
  if (props.publicHost !== undefined) checkPublicHost(problems, props.publicHost, 'publicHost');
  if (props.livekitHost !== undefined && !isFullyQualifiedDnsName(props.livekitHost)) {
    problems.add('livekitHost', `${show(props.livekitHost)} is not a fully-qualified lowercase DNS name`, 'the route for LiveKit\'s host is rejected and calls cannot connect', 'use the host of LiveKit\'s public URL, e.g. "livekit.example.org", or leave it unset');
  }
  checkStandaloneNaming(problems, props);
  if (props.lkJwtRelease !== undefined && !isLkJwtRelease(props.lkJwtRelease)) {
    problems.add('lkJwtRelease', `${show(props.lkJwtRelease)} is not an LkJwtRelease`, 'which lk-jwt-service paths to route would be guessed', 'use LkJwtRelease.V0_5 or LkJwtRelease.V0_6 (LkJwt.release)');
  }
  for (const [path, backend] of [['homeserver', props.homeserver], ['lkJwt', props.lkJwt], ['livekitSignaling', props.livekitSignaling]] as const) {
    if (backend !== undefined) checkBackend(problems, path, backend);
  }
  if (props.elementWeb !== undefined) checkElementWebRoute(problems, props.elementWeb);
}

/**
 * `namePrefix` and `labels` of a construct used on its own (inside MatrixChat they are checked
 * once there).
 */
export function checkStandaloneNaming(problems: Problems, props: { readonly namePrefix?: string; readonly labels?: Record<string, string> }): void {
  checkNamePrefix(problems, props.namePrefix);
  checkLabels(problems, 'labels', props.labels);
}

function checkBackend(problems: Problems, path: string, backend: IngressBackendRef | undefined): void {
  if (typeof backend?.serviceName !== 'string' || !SERVICE_NAME.test(backend.serviceName)) {
    problems.add(`${path}.serviceName`, `${show(backend?.serviceName)} is not a Service name`, 'the API server rejects the route (backend names must be DNS-1035 labels)', 'name the Service, e.g. the construct\'s `name`');
  }
  const port = backend?.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    problems.add(`${path}.port`, `${show(port)} is not a port number`, 'the API server rejects the route', 'use the Service port, 1 to 65535, e.g. the construct\'s `port`');
  }
}

function checkElementWebRoute(problems: Problems, web: ElementWebRouteRef): void {
  if (!isFullyQualifiedDnsName(web.host)) {
    problems.add('elementWeb.host', `${show(web.host)} is not a fully-qualified lowercase DNS name`, 'the route is rejected and the client is unreachable', 'use ElementWeb.host, e.g. "chat.example.org"');
  }
  checkBackend(problems, 'elementWeb.backend', web.backend);
  if (web.tlsSecretName !== undefined && !isObjectName(web.tlsSecretName)) {
    problems.add('elementWeb.tlsSecretName', `${show(web.tlsSecretName)} is not a Secret name`, 'the API server rejects the Ingress', 'use a Secret name such as "element-web-certificate"');
  }
  for (const [name, value] of Object.entries(web.responseHeaders ?? {})) {
    if (!HEADER_NAME.test(name)) {
      problems.add(`elementWeb.responseHeaders.${name}`, `${show(name)} is not an HTTP header name`, 'the controller refuses the header configuration, or (in an nginx snippet) it breaks the generated configuration', 'use a header name such as "X-Frame-Options"');
    }
    // CR, LF and other controls would end the header, or inject directives into an nginx snippet.
    if (typeof value !== 'string' || /[\u0000-\u001f\u007f]/.test(value)) {
      problems.add(`elementWeb.responseHeaders.${name}`, `${show(value)} is not a header value on one line`, 'a control character ends the header early (response splitting) or injects configuration into an nginx snippet', 'remove line breaks and control characters (use ElementWeb.responseHeaders)');
    }
  }
}
