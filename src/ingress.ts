// The Ingress on the server name and its controller-specific annotations and Traefik middlewares.
import { isIP } from 'node:net';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_MAX_REQUEST_SIZE } from './homeserver-settings';
import { checkIngressAnnotations } from './k8s-rules';
import { checkedProps } from './known-props';
import { BASE_NAMES, prefixed, recommendedLabels } from './names';
import { apiObjectsOf } from './pod';
import { ElementWebRouteRef, MatrixRoute, MatrixRoutingTargets, matrixRoutes, routingHosts, wellKnownRoutes } from './routing';
import { checkRoutingTargets } from './routing-checks';
import { Problems, checkAnnotations, isObjectName, reportProblems, show } from './validation';
import { scopeOf } from './validation-scope';

/** TLS of the ingress host. */
export interface IngressTlsProps {
  /**
   * Terminate TLS for the server name on the ingress.
   * @default false
   */
  readonly enabled?: boolean;

  /**
   * Secret holding the certificate (cert-manager creates it when `clusterIssuer` is set).
   * @default 'matrix-certificate'
   */
  readonly secretName?: string;

  /**
   * cert-manager ClusterIssuer that issues the certificate (adds the `cert-manager.io/cluster-issuer` annotation).
   * @default none; the Secret is provided by you
   */
  readonly clusterIssuer?: string;
}

/** Ingress settings shared by `MatrixChat` and `MatrixIngress`. */
export interface MatrixIngressOptions {
  /**
   * Create the Ingress.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * IngressClass; `nginx`, `haproxy`, `openshift-default` and `traefik` also get that controller's annotations (any other class gets none).
   * @default 'nginx'
   */
  readonly className?: string;

  /**
   * TLS for the server name.
   * @default TLS not terminated on the ingress
   */
  readonly tls?: IngressTlsProps;

  /**
   * Client CIDRs allowed through the ingress (controller-specific allow-list annotation or middleware).
   * @default every client
   */
  readonly whitelistSourceRange?: string[];

  /**
   * Annotations merged last, over the controller annotations.
   * @default none
   */
  readonly annotations?: Record<string, string>;
}

/** Props of `MatrixIngress`. */
export interface MatrixIngressProps extends MatrixIngressOptions, MatrixRoutingTargets {
  /**
   * Largest request body in bytes, for the nginx `proxy-body-size` annotation.
   * @default 104857600
   */
  readonly maxRequestSize?: number;

  /**
   * Namespace the objects are deployed to; Traefik's middleware reference needs it.
   * @default the namespace of the enclosing Chart
   */
  readonly namespace?: string;
}

/** WebSocket and long-poll connections (sync, signaling) live for up to an hour. */
const LONG_TIMEOUT_SECONDS = 3600;
const MIB = 1024 * 1024;

/**
 * One Ingress on the server name routing to the homeserver, lk-jwt-service and LiveKit
 * signaling, with the annotations (and Traefik middlewares) its controller needs.
 */
export class MatrixIngress extends Construct {
  /** The Ingress. */
  public readonly ingress: k8s.KubeIngress;
  /** Traefik middlewares (redirect, allow-list, chain, Element Web's headers), when the class is `traefik`. */
  public readonly middlewares: ApiObject[] = [];
  /** The Ingress of Element Web's host, when `elementWeb` is set (its own object, so its annotations apply to that host only). */
  public readonly elementWebIngress?: k8s.KubeIngress;

  constructor(scope: Construct, id: string, props: MatrixIngressProps) {
    super(scope, id);
    props = checkedProps(this, 'MatrixIngressProps', props);
    const problems = new Problems();
    // Inside MatrixChat the targets are derived and checked there, and the Ingress props sit under `ingress.`.
    const { prefix: p, parentValidated } = scopeOf(props);
    if (!parentValidated) checkRoutingTargets(problems, props);
    const name = prefixed(props.namePrefix, BASE_NAMES.ingress);
    const labels = recommendedLabels('matrix-chat', 'ingress', name, props.labels);
    const className = props.className ?? 'nginx';
    const sourceRanges = props.whitelistSourceRange ?? [];
    const tlsEnabled = props.tls?.enabled ?? false;
    const tlsSecretName = props.tls?.secretName ?? 'matrix-certificate';
    const maxRequestSize = props.maxRequestSize ?? DEFAULT_MAX_REQUEST_SIZE;
    const namespace = props.namespace;

    if (!isObjectName(className)) {
      problems.add(`${p}className`, `${show(className)} is not an IngressClass name`, 'no controller picks up the Ingress and nothing is reachable', 'name an IngressClass of the cluster, e.g. "nginx"');
    }
    sourceRanges.forEach((range, index) => {
      if (!isCidr(range)) {
        problems.add(`${p}whitelistSourceRange[${index}]`, `${show(range)} is not a CIDR`, 'the controller rejects the allow-list and either serves everyone or nobody', 'use CIDRs such as "203.0.113.0/24"');
      }
    });
    if (tlsEnabled && !isObjectName(tlsSecretName)) {
      problems.add(`${p}tls.secretName`, `${show(tlsSecretName)} is not a Secret name`, 'the controller cannot find the certificate and serves its default one', 'use a Secret name such as "matrix-certificate"');
    }
    if (props.tls?.clusterIssuer !== undefined && !tlsEnabled) {
      problems.add(`${p}tls.clusterIssuer`, `is set while ${p}tls.enabled is false`, 'cert-manager only issues certificates for an Ingress tls block, so no certificate would ever be issued', `set ${p}tls.enabled to true, or remove clusterIssuer`);
    }
    if (props.tls?.clusterIssuer !== undefined && !isObjectName(props.tls.clusterIssuer)) {
      problems.add(`${p}tls.clusterIssuer`, `${show(props.tls.clusterIssuer)} is not a ClusterIssuer name`, 'cert-manager finds no issuer and no certificate is issued', 'name an existing ClusterIssuer');
    }
    checkAnnotations(problems, `${p}annotations`, props.annotations);

    const controllerAnnotations: Record<string, string> = {};
    // Element Web's Ingress gets the same controller annotations, plus its headers where the controller can set them.
    const webAnnotations: Record<string, string> = {};
    if (className === 'nginx') {
      controllerAnnotations['nginx.ingress.kubernetes.io/force-ssl-redirect'] = 'true';
      controllerAnnotations['nginx.ingress.kubernetes.io/proxy-body-size'] = `${Math.ceil(maxRequestSize / MIB)}m`;
      controllerAnnotations['nginx.ingress.kubernetes.io/proxy-read-timeout'] = String(LONG_TIMEOUT_SECONDS);
      controllerAnnotations['nginx.ingress.kubernetes.io/proxy-send-timeout'] = String(LONG_TIMEOUT_SECONDS);
      if (sourceRanges.length > 0) controllerAnnotations['nginx.ingress.kubernetes.io/whitelist-source-range'] = sourceRanges.join(',');
    } else if (className === 'haproxy') {
      controllerAnnotations['haproxy.org/ssl-redirect'] = 'true';
      controllerAnnotations['haproxy.org/timeout-tunnel'] = `${LONG_TIMEOUT_SECONDS}s`;
      if (sourceRanges.length > 0) controllerAnnotations['haproxy.org/allow-list'] = sourceRanges.join(',');
    } else if (className === 'openshift-default') {
      controllerAnnotations['route.openshift.io/termination'] = 'edge';
      controllerAnnotations['haproxy.router.openshift.io/timeout-tunnel'] = `${LONG_TIMEOUT_SECONDS}s`;
      if (sourceRanges.length > 0) controllerAnnotations['haproxy.router.openshift.io/ip_allowlist'] = sourceRanges.join(' ');
    } else if (className === 'traefik') {
      if (namespace === undefined || namespace === '') {
        problems.add(`${p}className`, '"traefik" needs the namespace the stack is deployed to, but the chart has none', 'Traefik resolves middlewares as "<namespace>-<name>@kubernetescrd", so a wrong namespace makes the router fail and every route returns 404', 'set `namespace` on the Chart that holds MatrixChat');
      }
      const ns = namespace ?? 'default';
      const middleware = (constructId: string, baseName: string, spec: Record<string, unknown>) => {
        const object = new ApiObject(this, constructId, {
          apiVersion: 'traefik.io/v1alpha1',
          kind: 'Middleware',
          metadata: { name: prefixed(props.namePrefix, baseName), labels },
          spec,
        } as any);
        this.middlewares.push(object);
        return object.name;
      };
      const chain = [middleware('redirect-https', BASE_NAMES.traefikRedirect, { redirectScheme: { scheme: 'https', permanent: true } })];
      if (sourceRanges.length > 0) {
        chain.push(middleware('ipallowlist', BASE_NAMES.traefikAllowList, { ipAllowList: { sourceRange: [...sourceRanges] } }));
      }
      const chainName = middleware('chain', BASE_NAMES.traefikChain, { chain: { middlewares: chain.map((n) => ({ name: n })) } });
      controllerAnnotations['traefik.ingress.kubernetes.io/router.middlewares'] = `${ns}-${chainName}@kubernetescrd`;
      const headers = props.elementWeb?.responseHeaders ?? {};
      if (Object.keys(headers).length > 0) {
        // Traefik's headers middleware sets response headers on every response of the router (Element Web's host only).
        const headersName = middleware('element-web-headers', BASE_NAMES.elementWebHeaders, { headers: { customResponseHeaders: { ...headers } } });
        webAnnotations['traefik.ingress.kubernetes.io/router.middlewares'] = `${ns}-${chainName}@kubernetescrd,${ns}-${headersName}@kubernetescrd`;
      }
      if (tlsEnabled) controllerAnnotations['traefik.ingress.kubernetes.io/router.tls'] = 'true';
    }
    if (props.tls?.clusterIssuer !== undefined) {
      controllerAnnotations['cert-manager.io/cluster-issuer'] = props.tls.clusterIssuer;
    }
    const annotations = { ...controllerAnnotations, ...props.annotations };
    checkIngressAnnotations(problems, `${p}annotations`, annotations, className);
    if (className === 'nginx' && props.elementWeb?.nginxConfigurationSnippet) {
      webAnnotations['nginx.ingress.kubernetes.io/configuration-snippet'] = nginxHeaderSnippet(props.elementWeb.responseHeaders ?? {});
    }

    const { publicHost, wellKnownHost, livekitHost } = routingHosts(props);
    const rule = (host: string, hostRoutes: MatrixRoute[]): k8s.IngressRule => ({
      host,
      http: {
        paths: hostRoutes.map((route) => ({
          path: route.path,
          pathType: pathType(className, route.path),
          backend: { service: { name: route.backend.serviceName, port: { number: route.backend.port } } },
        })),
      },
    });
    this.ingress = new k8s.KubeIngress(this, 'ingress', {
      metadata: { name, labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: {
        ingressClassName: className,
        tls: tlsEnabled
          ? [{ hosts: [publicHost, wellKnownHost, livekitHost].filter((h): h is string => h !== undefined), secretName: tlsSecretName }]
          : undefined,
        rules: [
          rule(publicHost, matrixRoutes(props)),
          ...(wellKnownHost ? [rule(wellKnownHost, wellKnownRoutes(props.homeserver))] : []),
          ...(livekitHost ? [rule(livekitHost, matrixRoutes({ livekitSignaling: props.livekitSignaling }))] : []),
        ],
      },
    });

    // An Element Web route without a backend (untyped callers) is reported by checkRoutingTargets and not built.
    if (props.elementWeb?.backend !== undefined) {
      const webIngressAnnotations = { ...controllerAnnotations, ...webAnnotations, ...props.annotations };
      this.elementWebIngress = elementWebIngress(this, props, props.elementWeb, className, webIngressAnnotations, tlsEnabled);
    }
    reportProblems(this, problems);
  }

  /** The objects this construct generated. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
}

/** Element Web's own Ingress: `/` on its host to the Element Web Service, with its own certificate. */
function elementWebIngress(
  scope: Construct, props: MatrixIngressProps, web: ElementWebRouteRef, className: string, annotations: Record<string, string>, tlsEnabled: boolean,
): k8s.KubeIngress {
  const name = prefixed(props.namePrefix, BASE_NAMES.elementWebIngress);
  return new k8s.KubeIngress(scope, 'element-web-ingress', {
    metadata: { name, labels: recommendedLabels('matrix-chat', 'ingress', name, props.labels), annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
    spec: {
      ingressClassName: className,
      tls: tlsEnabled ? [{ hosts: [web.host], secretName: web.tlsSecretName ?? 'element-web-certificate' }] : undefined,
      rules: [{
        host: web.host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: web.backend.serviceName, port: { number: web.backend.port } } } }] },
      }],
    },
  });
}

/** ingress-nginx `more_set_headers` lines (headers-more module, bundled with the controller); values never hold a double quote. */
function nginxHeaderSnippet(headers: Record<string, string>): string {
  return Object.entries(headers).map(([name, value]) => `more_set_headers "${name}: ${value.replace(/["\\]/g, '')}";\n`).join('');
}

/**
 * ingress-nginx ≥ 1.12 validates Prefix and Exact paths against `^/[A-Za-z0-9/_-]*$` and rejects
 * the whole Ingress otherwise, so `/.well-known/matrix` is ImplementationSpecific there (which
 * ingress-nginx matches as a prefix); every other path and controller uses Prefix.
 */
function pathType(className: string, path: string): string {
  return className === 'nginx' && !/^\/[A-Za-z0-9/_-]*$/.test(path) ? 'ImplementationSpecific' : 'Prefix';
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^([0-9a-fA-F:.]+)\/([0-9]{1,3})$/.exec(value);
  if (!match) return false;
  const family = isIP(match[1]);
  const bits = Number(match[2]);
  return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
}
