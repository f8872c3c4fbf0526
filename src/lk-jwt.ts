// lk-jwt-service, the token broker between Matrix and LiveKit: props, settings, validation and its Deployment and Service.
import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ResolvedComponent, httpServiceOf, resolveComponent } from './component';
import { configHash } from './config-hash';
import { ImageProps, LK_JWT_IMAGE, checkImage } from './images';
import { checkUnknownProps } from './known-props';
import { LiveKitCredentialsRef } from './livekit';
import { BASE_NAMES, CONFIG_HASH_ANNOTATION } from './names';
import { ComponentProps, PodPlacementProps, apiObjectsOf, checkComponentProps, checkPlacement, commonPodSpec, placementPodSpec } from './pod';
import { ResourceDefaults, resourceRequirements } from './resources';
import { containerSecurityContext, podSecurityContext } from './security-context';
import { lkJwtStartupCheck } from './startup-guard';
import { Problems, checkSecretReference, isIpAddress, parseUrl, reportProblems, show } from './validation';

/** Settings of lk-jwt-service, the token broker between Matrix and LiveKit. */
export interface LkJwtSettings extends PodPlacementProps {
  /**
   * lk-jwt-service image; it publishes no version tags, so it is pinned by digest (set `tag` to a `sha-<commit>` tag to use a tag instead).
   * @default ghcr.io/element-hq/lk-jwt-service@sha256:29918567e6b7cd920e2853b4cd6848ce01b79947c3d19a9f1ed5b74f0a2a88bf
   */
  readonly image?: ImageProps;

  /**
   * Skip TLS verification when lk-jwt-service calls the homeserver and LiveKit (does not fix reachability).
   * @default false
   */
  readonly insecureSkipVerifyTls?: boolean;

  /**
   * CPU and memory of the lk-jwt-service container.
   * @default requests 10m CPU and 32Mi memory, limit 128Mi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * In-cluster IP (e.g. the ingress controller's Service IP) the server name and the public host resolve to inside the lk-jwt-service pod, via `hostAliases`, so OpenID verification and Twirp room creation work without hairpin NAT or split-horizon DNS.
   * @default the server name resolves through cluster DNS
   */
  readonly serverNameAddress?: string;
}

/** Props of a standalone `LkJwt`. */
export interface LkJwtProps extends LkJwtSettings, ComponentProps {
  /** The Matrix server name whose users get full access (may create rooms). */
  readonly serverName: string;

  /**
   * Host the homeserver is served on when it is not the server name (federation discovery leads there from the server name's `/.well-known/matrix/server`).
   * @default serverName
   */
  readonly publicHost?: string;

  /** LiveKit's public `wss://` URL, returned to browsers and used for Twirp room creation. */
  readonly livekitUrl: string;

  /** Where the LiveKit API key and secret are read from. */
  readonly credentials: LiveKitCredentialsRef;

  /**
   * A value that changes when inline credentials change, written to the pod template so the pod restarts with new keys.
   * @default none (credentials from a user-managed Secret)
   */
  readonly credentialsHash?: string;
}

/** lk-jwt-service's fixed listen port (its default `LIVEKIT_JWT_BIND` of `:8080`). */
export const LK_JWT_PORT = 8080;

const RESOURCE_DEFAULTS: ResourceDefaults = { cpuRequestMillis: 10, memoryRequest: Size.mebibytes(32), memoryLimit: Size.mebibytes(128) };

/** lk-jwt-service's props with every default applied: what validation and rendering read. */
interface LkJwtResolved extends ResolvedComponent<LkJwtProps> {
  readonly env: k8s.EnvVar[];
}

function resolveLkJwt(props: LkJwtProps): LkJwtResolved {
  const secretEnv = (envName: string, key: string): k8s.EnvVar => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: props.credentials.secretName, key } },
  });
  return {
    ...resolveComponent(props, BASE_NAMES.lkJwt, 'lk-jwt-service', 'token-service', LK_JWT_IMAGE),
    env: [
      { name: 'LIVEKIT_URL', value: props.livekitUrl },
      { name: 'LIVEKIT_FULL_ACCESS_HOMESERVERS', value: props.serverName },
      secretEnv('LIVEKIT_KEY', props.credentials.apiKeyKey),
      secretEnv('LIVEKIT_SECRET', props.credentials.apiSecretKey),
      // lk-jwt-service honours only this exact value.
      ...(props.insecureSkipVerifyTls ? [{ name: 'LIVEKIT_INSECURE_SKIP_VERIFY_TLS', value: 'YES_I_KNOW_WHAT_I_AM_DOING' }] : []),
    ],
  };
}

/** Validates lk-jwt-service's settings; `p` is the prefix of its prop paths (`lkJwt.` inside MatrixChat). */
function checkLkJwt(problems: Problems, s: LkJwtResolved, p: string): void {
  const props = s.props;
  if (!s.scope.parentValidated) checkComponentProps(problems, props);
  checkImage(problems, `${p}image`, props.image, LK_JWT_IMAGE);
  checkPlacement(problems, p, props);
  if (props.serverNameAddress !== undefined && !isIpAddress(props.serverNameAddress)) {
    problems.add(`${p}serverNameAddress`, `${show(props.serverNameAddress)} is not an IPv4 or IPv6 address`, 'hostAliases only map names to IP addresses, so the API server rejects the pod', 'use the ClusterIP of the ingress controller Service, e.g. from `kubectl -n ingress-nginx get svc ingress-nginx-controller -o jsonpath={.spec.clusterIP}`');
  }
  // Inside MatrixChat the URL and the Secret reference are derived, and validated there against the props the user set.
  if (s.scope.parentValidated) return;
  if (!parseUrl(props.livekitUrl, ['wss', 'ws'])) {
    problems.add(`${p}livekitUrl`, `${show(props.livekitUrl)} is not a ws:// or wss:// URL`, 'lk-jwt-service hands it to browsers, which cannot open a LiveKit connection to it, so calls never connect', 'use the public WebSocket URL of LiveKit, e.g. "wss://matrix.example.org"');
  }
  checkSecretReference(problems, `${p}credentials.secretName`, props.credentials?.secretName, [
    { path: `${p}credentials.apiKeyKey`, key: props.credentials?.apiKeyKey },
    { path: `${p}credentials.apiSecretKey`, key: props.credentials?.apiSecretKey },
  ]);
}

/**
 * lk-jwt-service: verifies a Matrix user's OpenID token against the homeserver and returns
 * a LiveKit JWT. Deployment and ClusterIP Service on 8080.
 */
export class LkJwt extends Construct {
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** Port of the Service and container. */
  public readonly port: number = LK_JWT_PORT;
  /** Labels selecting the lk-jwt-service pod. */
  public readonly selectorLabels: Record<string, string>;
  /** The Deployment (L1, like every workload here: see `Homeserver.statefulSet`). */
  public readonly deployment: k8s.KubeDeployment;
  /** ClusterIP Service on 8080. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: LkJwtProps) {
    super(scope, id);
    checkUnknownProps(this, 'LkJwtProps', props);
    const problems = new Problems();
    const settings = resolveLkJwt(props);
    this.name = settings.name;
    this.selectorLabels = settings.selectorLabels;
    checkLkJwt(problems, settings, settings.scope.prefix);
    lkJwtStartupCheck(problems, settings.env, settings.scope.parentValidated);
    this.deployment = this.createWorkload(problems, settings);
    this.service = httpServiceOf(this, settings, LK_JWT_PORT);
    reportProblems(this, problems);
  }

  /** The objects this construct generated, for escape hatches (`addJsonPatch`, labels). */
  public get apiObjects(): ApiObject[] {
    return apiObjectsOf(this);
  }

  private createWorkload(problems: Problems, s: LkJwtResolved): k8s.KubeDeployment {
    const props = s.props;
    const probe = (failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold,
    });
    return new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name: s.name, labels: s.labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: s.selectorLabels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: {
            labels: { ...s.labels, ...s.selectorLabels },
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(...s.env.map((e) => `${e.name}=${e.value ?? ''}`), props.credentialsHash ?? '') },
          },
          spec: {
            ...commonPodSpec(props),
            ...placementPodSpec(props),
            // OpenID verification resolves the server name, then the public host its well-known
            // delegates to (also LIVEKIT_URL's host by default): both go to the in-cluster ingress.
            hostAliases: props.serverNameAddress !== undefined
              ? [{ ip: props.serverNameAddress, hostnames: [...new Set([props.serverName, props.publicHost ?? props.serverName])] }]
              : undefined,
            securityContext: podSecurityContext(false),
            containers: [{
              name: 'lk-jwt-service',
              image: s.image,
              env: s.env,
              ports: [{ name: 'http', containerPort: LK_JWT_PORT, protocol: 'TCP' }],
              readinessProbe: probe(3),
              livenessProbe: probe(6),
              resources: resourceRequirements(problems, `${s.scope.prefix}resources`, props.resources, RESOURCE_DEFAULTS),
              securityContext: containerSecurityContext(),
            }],
          },
        },
      },
    });
  }

}
