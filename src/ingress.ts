import { isIP } from 'node:net';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkIngressAnnotations } from './k8s-rules';
import { BASE_NAMES, prefixed, recommendedLabels } from './names';
import { apiObjectsOf } from './pod';
import { Problems, checkAnnotations, isObjectName, reportProblems, show } from './validation';

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

/** One backend Service of the ingress. */
export interface IngressBackendRef {
  /** Service name. */
  readonly serviceName: string;
  /** Service port. */
  readonly port: number;
}

/** What public HTTP routing serves: the host, the backends and the object naming (shared by `MatrixIngress` and `MatrixHttpRoute`). */
export interface MatrixRoutingTargets {
  /** Host served: the Matrix server name. */
  readonly serverName: string;

  /**
   * Prefix for every object name.
   * @default ''
   */
  readonly namePrefix?: string;

  /**
   * Labels added to every object.
   * @default none
   */
  readonly labels?: Record<string, string>;

  /**
   * The homeserver Service (`/.well-known/matrix`, `/_matrix`).
   * @default no homeserver routes
   */
  readonly homeserver?: IngressBackendRef;

  /**
   * The lk-jwt-service Service (`/sfu`, `/get_token`, `/delegate_delayed_leave`).
   * @default no lk-jwt-service routes
   */
  readonly lkJwt?: IngressBackendRef;

  /**
   * The LiveKit signaling Service (`/rtc`, `/twirp`; bundled SFU only).
   * @default no LiveKit routes
   */
  readonly livekitSignaling?: IngressBackendRef;

  /**
   * Host of LiveKit's public URL when it is not the server name: `/rtc` and `/twirp` are routed there too (an Ingress rule in the TLS block, or a second HTTPRoute).
   * @default LiveKit is reached on the server name
   */
  readonly livekitHost?: string;
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

/** Path prefixes each backend serves. */
export const HOMESERVER_PATHS = ['/.well-known/matrix', '/_matrix'];
/** `/get_token` and `/delegate_delayed_leave` are what current clients call; `/sfu` serves older ones. */
export const LK_JWT_PATHS = ['/sfu', '/get_token', '/delegate_delayed_leave'];
export const LIVEKIT_PATHS = ['/rtc', '/twirp'];

/** WebSocket and long-poll connections (sync, signaling) live for up to an hour. */
const LONG_TIMEOUT_SECONDS = 3600;
const MIB = 1024 * 1024;

/** One route of the ingress. */
export interface MatrixRoute {
  /** Path prefix. */
  readonly path: string;
  /** Backend. */
  readonly backend: IngressBackendRef;
}

/** The routes on the server-name host, in a fixed order. */
export function matrixRoutes(props: Pick<MatrixRoutingTargets, 'homeserver' | 'lkJwt' | 'livekitSignaling'>): MatrixRoute[] {
  const routes: MatrixRoute[] = [];
  const add = (paths: string[], backend: IngressBackendRef | undefined) => {
    if (backend) for (const path of paths) routes.push({ path, backend });
  };
  add(HOMESERVER_PATHS, props.homeserver);
  add(LK_JWT_PATHS, props.lkJwt);
  add(LIVEKIT_PATHS, props.livekitSignaling);
  return routes;
}

/**
 * One Ingress on the server name routing to the homeserver, lk-jwt-service and LiveKit
 * signaling, with the annotations (and Traefik middlewares) its controller needs.
 */
export class MatrixIngress extends Construct {
  /** The Ingress. */
  public readonly ingress: k8s.KubeIngress;
  /** Traefik middlewares (redirect, allow-list, chain), when the class is `traefik`. */
  public readonly middlewares: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: MatrixIngressProps) {
    super(scope, id);
    const problems = new Problems();
    const name = prefixed(props.namePrefix, BASE_NAMES.ingress);
    const labels = recommendedLabels('matrix-chat', 'ingress', name, props.labels);
    const className = props.className ?? 'nginx';
    const sourceRanges = props.whitelistSourceRange ?? [];
    const tlsEnabled = props.tls?.enabled ?? false;
    const tlsSecretName = props.tls?.secretName ?? 'matrix-certificate';
    const maxRequestSize = props.maxRequestSize ?? 104857600;
    const namespace = props.namespace;

    if (!isObjectName(className)) {
      problems.add('ingress.className', `${show(className)} is not an IngressClass name`, 'no controller picks up the Ingress and nothing is reachable', 'name an IngressClass of the cluster, e.g. "nginx"');
    }
    sourceRanges.forEach((range, index) => {
      if (!isCidr(range)) {
        problems.add(`ingress.whitelistSourceRange[${index}]`, `${show(range)} is not a CIDR`, 'the controller rejects the allow-list and either serves everyone or nobody', 'use CIDRs such as "203.0.113.0/24"');
      }
    });
    if (tlsEnabled && !isObjectName(tlsSecretName)) {
      problems.add('ingress.tls.secretName', `${show(tlsSecretName)} is not a Secret name`, 'the controller cannot find the certificate and serves its default one', 'use a Secret name such as "matrix-certificate"');
    }
    if (props.tls?.clusterIssuer !== undefined && !tlsEnabled) {
      problems.add('ingress.tls.clusterIssuer', 'is set while ingress.tls.enabled is false', 'cert-manager only issues certificates for an Ingress tls block, so no certificate would ever be issued', 'set ingress.tls.enabled to true, or remove clusterIssuer');
    }
    if (props.tls?.clusterIssuer !== undefined && !isObjectName(props.tls.clusterIssuer)) {
      problems.add('ingress.tls.clusterIssuer', `${show(props.tls.clusterIssuer)} is not a ClusterIssuer name`, 'cert-manager finds no issuer and no certificate is issued', 'name an existing ClusterIssuer');
    }
    checkAnnotations(problems, 'ingress.annotations', props.annotations);

    const controllerAnnotations: Record<string, string> = {};
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
        problems.add('ingress.className', '"traefik" needs the namespace the stack is deployed to, but the chart has none', 'Traefik resolves middlewares as "<namespace>-<name>@kubernetescrd", so a wrong namespace makes the router fail and every route returns 404', 'set `namespace` on the Chart that holds MatrixChat');
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
      if (tlsEnabled) controllerAnnotations['traefik.ingress.kubernetes.io/router.tls'] = 'true';
    }
    if (props.tls?.clusterIssuer !== undefined) {
      controllerAnnotations['cert-manager.io/cluster-issuer'] = props.tls.clusterIssuer;
    }
    const annotations = { ...controllerAnnotations, ...props.annotations };
    checkIngressAnnotations(problems, 'ingress.annotations', annotations, className);

    const routes = matrixRoutes(props);
    const ownLivekitHost = props.livekitSignaling !== undefined && props.livekitHost !== undefined && props.livekitHost !== props.serverName;
    const livekitHost = ownLivekitHost ? props.livekitHost : undefined;
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
        tls: tlsEnabled ? [{ hosts: [props.serverName, ...(livekitHost ? [livekitHost] : [])], secretName: tlsSecretName }] : undefined,
        rules: [
          rule(props.serverName, routes),
          ...(livekitHost ? [rule(livekitHost, matrixRoutes({ livekitSignaling: props.livekitSignaling }))] : []),
        ],
      },
    });

    reportProblems(this, problems);
  }

  /** The objects this construct generated. */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }
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
